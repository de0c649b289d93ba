import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/**
 * The Braze seed: a webhook is an HTTP method, a URL and a body, and Braze's
 * Liquid goes in the URL (its query included) and the request headers as
 * well as the body, so that a GET carries per-event data (real stack).
 */
describe('Liquid in an HTTP hook URL and headers (real stack)', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };
  const as = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    owner = await hookflow.createOwner('Braze');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const hookBody = (resourceType: string, target: Record<string, unknown>) => ({
    name: resourceType,
    events: ['resource.updated'],
    resourceTypes: [resourceType],
    target: { type: 'http', ...target },
  });

  it('sends a GET whose path, query and headers carry the event, each value percent-encoded in the URL', async () => {
    const created = await as(
      'POST',
      '/v1/hooks',
      hookBody('project', {
        method: 'GET',
        url: `${receiver.url}/users/{{ event.resourceId }}/track?event={{ event.type }}&name={{ event.data.name }}&hook={{ hook.id }}`,
        headers: {
          'X-User': '{{ event.data.handle | upcase }} at {{ event.data.name }}',
          'X-Static': 'as is',
          // A secret is a constant: sent as stored, never rendered.
          Authorization: { value: 'Bearer {{ not.rendered }}', secret: true },
        },
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(
      created.body.target.url,
      `${receiver.url}/users/{{ event.resourceId }}/track?event={{ event.type }}&name={{ event.data.name }}&hook={{ hook.id }}`,
    );
    const hookId = created.body.id as string;

    const before = receiver.requests.length;
    const posted = await as('POST', '/v1/events', {
      type: 'resource.updated',
      resourceType: 'project',
      resourceId: 'prj/7',
      data: { name: 'Zoe & Max?#', handle: 'zoe' },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    await receiver.waitForRequests(before + 1);
    const request = receiver.requests[before];
    assert.ok(request);
    assert.equal(request.method, 'GET');
    assert.equal(request.path, `/users/prj%2F7/track?event=resource.updated&name=Zoe%20%26%20Max%3F%23&hook=${hookId}`);
    assert.equal(request.body, '');
    assert.equal(request.headers['x-user'], 'ZOE at Zoe & Max?#', 'header values are not URL-encoded');
    assert.equal(request.headers['x-static'], 'as is');
    assert.equal(request.headers.authorization, 'Bearer {{ not.rendered }}');
    assert.equal(request.headers['content-type'], undefined, 'a GET has no body');
    new Webhook(created.body.secret).verify('', request.headers as Record<string, string>);
    await eventually(async () => {
      const event = await as('GET', `/v1/events/${posted.body.id}`);
      assert.equal(event.body.deliveries[0]?.status, 'succeeded');
    });
  });

  it('fails the delivery for good, sending nothing, when the URL renders to no URL', async () => {
    const created = await as(
      'POST',
      '/v1/hooks',
      hookBody('membership', { url: `${receiver.url}/raw?q={{ event.data.name | raw }}` }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const before = receiver.requests.length;
    const posted = await as('POST', '/v1/events', {
      type: 'resource.updated',
      resourceType: 'membership',
      data: { name: 'two words' },
    });
    const delivery = await eventually(async () => {
      const event = await as('GET', `/v1/events/${posted.body.id}`);
      const summary = event.body.deliveries[0];
      assert.equal(summary?.status, 'failed', JSON.stringify(summary));
      return (await as('GET', `/v1/deliveries/${summary.id}`)).body;
    });
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].errorKind, 'render');
    assert.match(delivery.attempts[0].errorMessage, /The URL rendered to something that is not a URL/);
    assert.equal(receiver.requests.length, before, 'nothing was sent');
  });

  it('refuses at creation Liquid in the host, Liquid that does not parse and bare spaces, naming the field', async () => {
    const refusals: [Record<string, unknown>, number, RegExp][] = [
      [{ url: 'http://{{ event.data.host }}/x' }, 400, /target\.url: .*host and port must be literal/],
      [{ url: `${receiver.url}/{{ event.type` }, 422, /target\.url: not a valid Liquid template/],
      [{ url: `${receiver.url}/{% include 'README.md' %}` }, 400, /target\.url: not a valid Liquid template.*include/],
      [{ url: `${receiver.url}/a b` }, 422, /target\.url: .*spaces .* must be percent-encoded/],
      [
        { url: receiver.url, headers: { 'X-Id': '{{ event.id' } },
        422,
        /target\.headers\.X-Id: not a valid Liquid template/,
      ],
      [
        { url: receiver.url, headers: { 'X-Id': { value: '{{ event.id', secret: false } } },
        422,
        /target\.headers\.X-Id\.value: not a valid Liquid template/,
      ],
    ];
    for (const [target, status, message] of refusals) {
      const refused = await as('POST', '/v1/hooks', hookBody('invitation', target));
      assert.equal(refused.status, status, JSON.stringify([target, refused.body]));
      assert.match(refused.body.error.message, message);
    }
    const secret = await as(
      'POST',
      '/v1/hooks',
      hookBody('invitation', { url: receiver.url, headers: { 'X-Key': { value: '{{ any text', secret: true } } }),
    );
    assert.equal(secret.status, 201, 'a secret header is no template: anything goes');
  });
});
