import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Liquid } from 'liquidjs';
import type { DeliveryContext } from '../targets/contract';
import { idOf } from '../core/ids';
import { liquid, urlLiquid } from '../core/liquid-engine';
import { renderPayload, RenderError, renderText } from '../core/payloads';
import { startHookflow, type Hookflow } from './support/hookflow';

/** Files on the worker's disk a template once read: the repository's own and one liquidjs resolved through node_modules. */
const FILES = {
  'package.json': readFileSync('package.json', 'utf8'),
  'README.md': readFileSync('README.md', 'utf8'),
  'liquidjs/package.json': readFileSync('node_modules/liquidjs/package.json', 'utf8'),
};
const FILE_NAMES = Object.keys(FILES);

/** Every way liquidjs has to pull in another template, each naming a file that exists. */
const FILE_READS: [tag: string, source: string][] = [
  ['render', "{% render 'package.json' %}"],
  ['include', "{% include 'README.md' %}"],
  ['layout', "{% layout 'package.json' %}"],
  ['include', "{% assign name = 'package.json' %}{% include name %}"],
  ['render', "{%- render 'liquidjs/package.json' -%}"],
  ['include', "{% liquid\n  include 'README.md'\n%}"],
  ['render', "{% if true %}{% for i in (1..1) %}{% render 'package.json' with event %}{% endfor %}{% endif %}"],
];

function assertNoFileContent(output: string) {
  for (const [name, content] of Object.entries(FILES)) {
    assert.ok(!output.includes(content.slice(0, 200)), `${name} leaked into the output`);
  }
}

describe('Liquid templates cannot read files', () => {
  const context: DeliveryContext = {
    deliveryId: 'dlv_1',
    event: {
      id: idOf('event', 'evt_1'),
      type: 'note',
      ownerId: idOf('owner', 'own_1'),
      createdAt: new Date(),
      data: { text: 'hi' },
    },
    hook: {
      id: 'hook_1',
      format: 'template',
      timeoutMs: 15_000,
      signingSecrets: ['whsec_c2VjcmV0'],
      target: { type: 'http' },
    },
  };

  it('a template stored before the fix that reaches the renderer fails instead of delivering the file', () => {
    for (const [tag, body] of FILE_READS) {
      let output = '';
      assert.throws(
        () => {
          output = renderPayload(context, 'template', { contentType: 'text/plain', body }, 'https://hooks.test').body;
        },
        (error: unknown) => error instanceof RenderError && error.message.includes(`{% ${tag} %}`),
        body,
      );
      assertNoFileContent(output);
      assert.throws(() => renderText(body, {}), RenderError, body);
    }
  });

  it("the engines' loaders resolve nothing on disk, even for a file tag that got past the refusal", () => {
    for (const engine of [liquid, urlLiquid]) {
      // The same options with liquidjs's own file tags: what a new liquidjs tag, or a refusal forgotten, would meet.
      const withFileTags = new Liquid(engine.options);
      for (const name of FILE_NAMES) {
        for (const source of [`{% render '${name}' %}`, `{% include '${name}' %}`, `{% layout '${name}' %}`]) {
          assert.throws(() => withFileTags.parseAndRenderSync(source), /ENOENT/, source);
        }
        assert.throws(() => engine.renderFileSync(name), /ENOENT/, name);
      }
    }
  });
});

describe('hooks API refuses file tags in every Liquid field', () => {
  let hookflow: Hookflow;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    owner = await hookflow.createOwner('Templates');
  });
  after(async () => {
    await hookflow?.stop();
  });

  const asOwner = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });

  /** A hook with `liquid` in one Liquid field, and that field's path as errors name it. */
  const LIQUID_FIELDS: [path: string, hook: (liquid: string) => Record<string, unknown>][] = [
    ['template.body', (l) => httpHook({ format: 'template', template: { contentType: 'text/plain', body: l } })],
    ['target.url', (l) => ({ target: { type: 'http', url: `https://example.com/notes?q=${l}` } })],
    [
      'target.headers.X-Note',
      (l) => ({ target: { type: 'http', url: 'https://example.com/notes', headers: { 'X-Note': l } } }),
    ],
    [
      'target.headers.X-Note.value',
      (l) => ({
        target: { type: 'http', url: 'https://example.com/notes', headers: { 'X-Note': { value: l, secret: false } } },
      }),
    ],
    [
      'template.fields.text',
      (l) =>
        httpHook({
          format: 'template',
          template: { contentType: 'application/x-www-form-urlencoded', fields: { text: l } },
        }),
    ],
    [
      'target.params.note',
      (l) => ({ target: { type: 'ga4', measurementId: 'G-ABC123', apiSecret: 'x', params: { note: l } } }),
    ],
    ['target.to', (l) => ({ target: { type: 'email', to: l } })],
    ['target.subject', (l) => ({ target: { type: 'email', to: 'a@example.com', subject: l } })],
    ['target.text', (l) => ({ target: { type: 'email', to: 'a@example.com', text: l } })],
    ['target.html', (l) => ({ target: { type: 'email', to: 'a@example.com', html: l } })],
    ['target.to', (l) => ({ target: { ...SMS, to: l } })],
    ['target.body', (l) => ({ target: { ...SMS, to: '+15005550006', body: l } })],
    ['target.text', (l) => ({ target: { type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x', text: l } })],
    [
      'target.blocks',
      (l) => ({ target: { type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x', blocks: l } }),
    ],
    [
      'target.content',
      (l) => ({ target: { type: 'discord', url: 'https://discord.com/api/webhooks/1/x', content: l } }),
    ],
    [
      'target.text',
      (l) => ({ target: { type: 'telegram', botToken: '123456:ABCdefGHIjklMNOpqrSTUvwxYZ', chatId: 1, text: l } }),
    ],
  ];
  const SMS = { type: 'twilio-sms', accountSid: `AC${'a1'.repeat(16)}`, authToken: 't', from: '+15005550006' };

  function httpHook(overrides: Record<string, unknown>) {
    return { target: { type: 'http', url: 'https://example.com/notes' }, ...overrides };
  }

  it('creating a hook with render, include or layout in any Liquid field is a 400 naming the field and the tag', async () => {
    for (const [path, hook] of LIQUID_FIELDS) {
      for (const [tag, source] of FILE_READS) {
        const created = await asOwner('POST', '/v1/hooks', { name: 'leak', events: ['note'], ...hook(source) });
        assert.equal(created.status, 400, `${path} ${source}: ${JSON.stringify(created.body)}`);
        assert.equal(created.body.error.code, 'validation_failed');
        assert.ok(created.body.error.message.includes(path), created.body.error.message);
        assert.ok(created.body.error.message.includes(`{% ${tag} %} tag is not allowed`), created.body.error.message);
      }
    }
    const listed = await asOwner('GET', '/v1/hooks');
    assert.deepEqual(listed.body.data, [], 'no hook was created');
  });

  it('nor can an update bring one in', async () => {
    const created = await asOwner('POST', '/v1/hooks', {
      name: 'ok',
      events: ['note'],
      target: { type: 'email', to: 'a@example.com' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const patched = await asOwner('PATCH', `/v1/hooks/${created.body.id}`, {
      target: { type: 'email', to: 'a@example.com', text: "{% include 'README.md' %}" },
    });
    assert.equal(patched.status, 400);
    assert.match(patched.body.error.message, /target\.text: .*\{% include %\} tag is not allowed/);
    const read = await asOwner('GET', `/v1/hooks/${created.body.id}`);
    assert.equal(read.body.target.text, undefined);
  });

  it('the same text is fine where it is not a tag', async () => {
    const created = await asOwner('POST', '/v1/hooks', {
      name: 'literal',
      events: ['note'],
      target: {
        type: 'email',
        to: 'a@example.com',
        text: "{% raw %}{% render 'package.json' %}{% endraw %} render include",
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
});
