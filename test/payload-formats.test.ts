import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryContext } from '../targets/contract';
import { idOf } from '../core/ids';
import { checkTemplate, renderPayload, RenderError } from '../core/payloads';

const PUBLIC_URL = 'https://hooks.example.test';
const created = new Date('2026-11-24T10:00:00.000Z');

function context(overrides: Partial<DeliveryContext['event']> = {}): DeliveryContext {
  return {
    deliveryId: 'dlv_1',
    event: {
      id: idOf('event', 'evt_1'),
      type: 'resource.updated',
      ownerId: idOf('owner', 'own_1'),
      resourceType: 'project',
      resourceId: 'prj_9',
      createdAt: created,
      data: { title: 'Logo', budget: 1200 },
      ...overrides,
    },
    hook: {
      id: 'hook_1',
      format: 'standard',
      timeoutMs: 15_000,
      signingSecrets: ['whsec_c2VjcmV0'],
      target: { type: 'http' },
    },
  };
}

const render = (format: string, ctx = context()) => renderPayload(ctx, format, undefined, PUBLIC_URL);

describe('payload formats, byte for byte', () => {
  it('standard: the Standard Webhooks envelope', () => {
    assert.deepEqual(render('standard'), {
      contentType: 'application/json',
      body: '{"type":"resource.updated","timestamp":"2026-11-24T10:00:00.000Z","data":{"title":"Logo","budget":1200}}',
    });
  });

  it("standard and ibm: the batch's shared messageId when the event has one, and no key at all otherwise", () => {
    const batched = context({ messageId: 'msg-42' });
    assert.equal(
      render('standard', batched).body,
      '{"type":"resource.updated","timestamp":"2026-11-24T10:00:00.000Z","data":{"title":"Logo","budget":1200},"messageId":"msg-42"}',
    );
    assert.equal(
      render('ibm', { ...batched, event: { ...batched.event, type: 'onNotificationSend', data: { platform: 'A' } } })
        .body,
      '{"type":"onNotificationSend","entity":{"platform":"A"},"applicationId":"own_1","eventTimeStamp":1795514400000,"messageId":"msg-42"}',
    );
    assert.doesNotMatch(render('standard').body, /messageId/);
    assert.doesNotMatch(render('ibm').body, /messageId/);
  });

  it('creads: the resource in its new state, and none on delete', () => {
    assert.equal(
      render('creads').body,
      '{"event":"resource.updated","resource_type":"project","resource_gid":"prj_9","resource":{"title":"Logo","budget":1200}}',
    );
    assert.equal(
      render('creads', context({ type: 'resource.deleted' })).body,
      '{"event":"resource.deleted","resource_type":"project","resource_gid":"prj_9"}',
    );
  });

  it('misskey: its envelope, with the hook id and the plain secret in headers', () => {
    const note = context({ type: 'note', data: { note: { id: 'n1' } } });
    const rendered = render('misskey', { ...note, hook: { ...note.hook, misskeySecret: 'my misskey secret' } });
    assert.equal(
      rendered.body,
      '{"server":"https://hooks.example.test","hookId":"hook_1","userId":"own_1","eventId":"evt_1","createdAt":1795514400000,"type":"note","body":{"note":{"id":"n1"}}}',
    );
    assert.deepEqual(rendered.headers, { 'X-Misskey-Hook-Id': 'hook_1', 'X-Misskey-Hook-Secret': 'my misskey secret' });
  });

  it('ibm: type, entity, application and a millisecond timestamp', () => {
    assert.equal(
      render('ibm', context({ type: 'onDeviceRegister', data: { deviceId: 'd1', platform: 'A' } })).body,
      '{"type":"onDeviceRegister","entity":{"deviceId":"d1","platform":"A"},"applicationId":"own_1","eventTimeStamp":1795514400000}',
    );
  });

  it('chat: text, href and event, as Slack and Mattermost take them', () => {
    assert.equal(
      render('chat', context({ type: 'dataset-published', resourceType: undefined, resourceId: 'ds-1', data: {} }))
        .body,
      '{"text":"dataset-published: ds-1","href":"https://hooks.example.test/v1/events/evt_1","event":"dataset-published"}',
    );
    assert.equal(
      JSON.parse(render('chat', context({ data: { href: 'https://portal.test/ds/1' } })).body).href,
      'https://portal.test/ds/1',
    );
  });

  it('template: Liquid as JSON, as text, and as form fields, with the declared Content-Type', () => {
    const json = renderPayload(
      context(),
      'template',
      { contentType: 'application/json', body: '{"name":"{{ event.data.title }}","id":"{{ event.resourceId }}"}' },
      PUBLIC_URL,
    );
    assert.deepEqual(json, { contentType: 'application/json', body: '{"name":"Logo","id":"prj_9"}' });
    const text = renderPayload(
      context(),
      'template',
      { contentType: 'text/plain; charset=utf-8', body: '{{ event.type }} {{ event.data.missing | default: "n/a" }}' },
      PUBLIC_URL,
    );
    assert.equal(text.body, 'resource.updated n/a');
    const form = renderPayload(
      context(),
      'template',
      { contentType: 'application/x-www-form-urlencoded', fields: { ec: '{{ event.resourceType }}', el: 'a b&c' } },
      PUBLIC_URL,
    );
    assert.equal(form.body, 'ec=project&el=a+b%26c');
  });

  it('template: a render failure or invalid JSON is a RenderError that says why', () => {
    assert.throws(
      () =>
        renderPayload(
          context(),
          'template',
          { contentType: 'application/json', body: '{"a": {{ event.type }}}' },
          PUBLIC_URL,
        ),
      (error: unknown) => error instanceof RenderError && /invalid JSON/.test(error.message),
    );
    assert.throws(
      () =>
        renderPayload(
          context(),
          'template',
          { contentType: 'text/plain', body: '{{ event.type | nosuchfilter }}' },
          PUBLIC_URL,
        ),
      (error: unknown) => error instanceof RenderError && /nosuchfilter/.test(error.message),
    );
    assert.deepEqual({ ...checkTemplate('{% if %}'), message: 'some' }, { message: 'some', fileTag: false });
    assert.equal(checkTemplate("{% include 'README.md' %}")?.fileTag, true);
    assert.equal(checkTemplate('{{ event.type }}'), undefined);
  });

  it('template: one that would exhaust the worker (a billion-step loop, nested loops) stops with a RenderError', () => {
    for (const body of [
      '{% for i in (1..1000000000) %}{% endfor %}',
      '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}',
    ]) {
      assert.equal(checkTemplate(body), undefined, 'it parses: only rendering reveals it');
      assert.throws(
        () => renderPayload(context(), 'template', { contentType: 'text/plain', body }, PUBLIC_URL),
        (error: unknown) => error instanceof RenderError && /limit exceeded/.test(error.message),
      );
    }
  });
});
