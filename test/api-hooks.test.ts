import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

describe('hooks API', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => (request.path === '/gone' ? 410 : 200));
    owner = await hookflow.createOwner('Misskey');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const asOwner = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });

  function hookBody(overrides: Record<string, unknown> = {}) {
    return {
      name: 'notes',
      events: ['note', 'reply'],
      target: { type: 'http', url: `${receiver.url}/notes` },
      ...overrides,
    };
  }

  function verify(request: ReceivedRequest, secret: string) {
    return new Webhook(secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
  }

  it('creates a hook with defaults and shows its signing secret once', async () => {
    const created = await asOwner('POST', '/v1/hooks', hookBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(created.body.ownerId, owner.id);
    assert.equal(created.body.status, 'enabled');
    assert.equal(created.body.format, 'standard');
    assert.deepEqual(created.body.delivery, {
      timeout: '15s',
      retrySchedule: ['5s', '5m', '30m', '2h', '5h', '10h', '10h'],
      retryOn: 'transient',
      disableAfter: { failures: 100, window: '24h' },
      rateLimit: null,
      maxInFlight: null,
      ordering: null,
    });
    assert.equal(created.body.target.method, 'POST');

    const read = await asOwner('GET', `/v1/hooks/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined);
    assert.doesNotMatch(JSON.stringify(read.body), /whsec_/);
    const listed = await asOwner('GET', '/v1/hooks');
    assert.doesNotMatch(JSON.stringify(listed.body), /whsec_/);
  });

  it('stores the signing secret and secret headers encrypted, and masks secret headers', async () => {
    const created = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({
        target: {
          type: 'http',
          url: `${receiver.url}/headers`,
          headers: { 'X-Tenant': 'acme', 'X-Api-Key': { value: 'sk_live_topsecret', secret: true } },
        },
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.target.headers, { 'X-Tenant': 'acme', 'X-Api-Key': { secret: true } });

    const raw = JSON.stringify(await hookflow.mongo.collection('hooks').findOne({ _id: created.body.id }));
    assert.doesNotMatch(raw, /sk_live_topsecret/);
    assert.doesNotMatch(raw, new RegExp(created.body.secret.slice(6, 30).replace(/[+/]/g, '\\$&')));
    assert.match(raw, /acme/);

    // The receiver gets the real value; the signature verifies with the secret shown at creation.
    const test = await asOwner('POST', `/v1/hooks/${created.body.id}/test`, {});
    assert.equal(test.status, 200, JSON.stringify(test.body));
    const request = receiver.requests.find((r) => r.path === '/headers');
    assert.ok(request);
    assert.equal(request.headers['x-api-key'], 'sk_live_topsecret');
    assert.equal(request.headers['x-tenant'], 'acme');
    assert.deepEqual(verify(request, created.body.secret), {
      type: 'hookflow.test',
      timestamp: JSON.parse(request.body).timestamp,
      data: { message: 'A test event from Hookflow' },
    });

    // Sending the masked form back keeps the stored value.
    const patched = await asOwner('PATCH', `/v1/hooks/${created.body.id}`, {
      target: { type: 'http', url: `${receiver.url}/headers2`, headers: { 'X-Api-Key': { secret: true } } },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await asOwner('POST', `/v1/hooks/${created.body.id}/test`, {});
    assert.equal(receiver.requests.find((r) => r.path === '/headers2')?.headers['x-api-key'], 'sk_live_topsecret');
  });

  it('rotates the secret: both signatures verify for 24 hours, the new one is shown once', async () => {
    const created = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({ target: { type: 'http', url: `${receiver.url}/rotate` } }),
    );
    const rotated = await asOwner('POST', `/v1/hooks/${created.body.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, created.body.secret);
    const grace = new Date(rotated.body.previousSecretsExpireAt).getTime() - Date.now();
    assert.ok(grace > 23.9 * 3600_000 && grace <= 24 * 3600_000, `grace ${grace} ms`);

    await asOwner('POST', `/v1/hooks/${created.body.id}/test`, { type: 'note', data: { note: { id: 'n1' } } });
    const request = receiver.requests.find((r) => r.path === '/rotate');
    assert.ok(request);
    assert.equal(String(request.headers['webhook-signature']).split(' ').length, 2);
    assert.ok(verify(request, rotated.body.secret));
    assert.ok(verify(request, created.body.secret));
    assert.throws(() => verify(request, 'whsec_' + Buffer.alloc(32, 7).toString('base64')));
  });

  it('accepts a supplied whsec_ secret and refuses a malformed one', async () => {
    const secret = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
    const created = await asOwner('POST', '/v1/hooks', hookBody({ secret }));
    assert.equal(created.status, 201);
    assert.equal(created.body.secret, secret);
    const tooShort = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({ secret: 'whsec_' + Buffer.alloc(8).toString('base64') }),
    );
    assert.equal(tooShort.status, 400);
    assert.match(tooShort.body.error.message, /secret: must be whsec_ followed by the padded base64 of 24 to 64 bytes/);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await hookflow.mongo.collection('hooks').countDocuments();
    const cases: [Record<string, unknown>, RegExp][] = [
      [hookBody({ target: { type: 'http', url: 'notaurl' } }), /target\.url/],
      [hookBody({ target: { type: 'http', url: '/relative/path' } }), /target\.url/],
      [hookBody({ target: { type: 'http', url: 'ftp://example.com' } }), /target\.url/],
      [hookBody({ target: { type: 'http', url: `${receiver.url}/x`, method: 'TRACE' } }), /target\.method/],
      [
        hookBody({ target: { type: 'http', url: `${receiver.url}/x`, headers: { 'Bad Header': 'x' } } }),
        /target\.headers/,
      ],
      [
        hookBody({ target: { type: 'http', url: `${receiver.url}/x`, headers: { 'webhook-id': 'x' } } }),
        /target\.headers/,
      ],
      [
        hookBody({ target: { type: 'http', url: `${receiver.url}/x`, headers: { 'X-A': 'a\r\nb' } } }),
        /target\.headers/,
      ],
      [hookBody({ events: [] }), /events/],
      [hookBody({ events: ['resource.*.x'] }), /events\.0/],
      [hookBody({ delivery: { timeout: '2m' } }), /delivery\.timeout: must be a duration from 100ms to 90s/],
      [hookBody({ delivery: { timeout: 'soon' } }), /delivery\.timeout/],
      [hookBody({ delivery: { retrySchedule: ['5s', 'x'] } }), /delivery\.retrySchedule\.1/],
      [hookBody({ delivery: { disableAfter: { failures: 0 } } }), /delivery\.disableAfter\.failures/],
      [hookBody({ format: 'xml' }), /format/],
      [hookBody({ colour: 'red' }), /colour/],
      [hookBody({ name: '' }), /name/],
    ];
    for (const [body, message] of cases) {
      const answer = await asOwner('POST', '/v1/hooks', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.code, 'validation_failed');
      assert.match(answer.body.error.message, message, JSON.stringify(body));
    }
    // A name of the right form that is not in the catalogue breaks a rule the document cannot state.
    const unknown = await asOwner('POST', '/v1/hooks', hookBody({ events: ['no.such.event'] }));
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error.code, 'unprocessable');
    assert.match(unknown.body.error.message, /no\.such\.event/);
    assert.equal(await hookflow.mongo.collection('hooks').countDocuments(), before);
  });

  it('patches, disables with a reason, enables and deletes a hook', async () => {
    const created = await asOwner('POST', '/v1/hooks', hookBody({ resourceTypes: ['note'] }));
    const id = created.body.id;
    const patched = await asOwner('PATCH', `/v1/hooks/${id}`, {
      name: 'renamed',
      resourceTypes: null,
      delivery: { timeout: '5s' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'renamed');
    assert.equal(patched.body.resourceTypes, undefined);
    assert.equal(patched.body.delivery.timeout, '5s');
    assert.deepEqual(patched.body.events, ['note', 'reply']);
    assert.equal((await asOwner('PATCH', `/v1/hooks/${id}`, {})).status, 400);

    const disabled = await asOwner('POST', `/v1/hooks/${id}/disable`, { reason: 'maintenance' });
    assert.equal(disabled.body.status, 'disabled');
    assert.equal(disabled.body.disabledReason, 'maintenance');
    assert.ok(disabled.body.disabledAt);
    const enabled = await asOwner('POST', `/v1/hooks/${id}/enable`);
    assert.equal(enabled.body.status, 'enabled');
    assert.equal(enabled.body.disabledReason, undefined);

    assert.equal((await asOwner('DELETE', `/v1/hooks/${id}`)).status, 204);
    assert.equal((await asOwner('GET', `/v1/hooks/${id}`)).status, 404);
    assert.equal((await asOwner('DELETE', `/v1/hooks/${id}`)).status, 404);
  });

  it('tests a hook once, without retries, and reports what the target answered', async () => {
    const created = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({ target: { type: 'http', url: `${receiver.url}/gone` } }),
    );
    const before = receiver.requests.filter((r) => r.path === '/gone').length;
    const test = await asOwner('POST', `/v1/hooks/${created.body.id}/test`, { type: 'note', data: { note: {} } });
    assert.equal(test.status, 200);
    assert.equal(test.body.outcome, 'permanent');
    assert.equal(test.body.attempt.statusCode, 410);
    assert.equal(receiver.requests.filter((r) => r.path === '/gone').length, before + 1);
  });

  it('sends a Liquid template with its declared Content-Type, the Braze way', async () => {
    const created = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({
        target: { type: 'http', url: `${receiver.url}/braze`, method: 'PUT' },
        format: 'template',
        template: {
          contentType: 'application/x-www-form-urlencoded',
          fields: { v: '1', ea: '{{ event.type }}', el: '{{ event.data.note.id | default: "none" }}' },
        },
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.template.fields, {
      v: '1',
      ea: '{{ event.type }}',
      el: '{{ event.data.note.id | default: "none" }}',
    });
    const test = await asOwner('POST', `/v1/hooks/${created.body.id}/test`, {
      type: 'note',
      data: { note: { id: 'n 1' } },
    });
    assert.equal(test.body.outcome, 'succeeded');
    const request = receiver.requests.find((r) => r.path === '/braze');
    assert.ok(request);
    assert.equal(request.method, 'PUT');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(request.body, 'v=1&ea=note&el=n+1');
  });

  it('fails a delivery whose template renders invalid JSON at once, saying why, and refuses broken Liquid', async () => {
    const broken = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({ format: 'template', template: { contentType: 'application/json', body: '{% if %}' } }),
    );
    assert.equal(broken.status, 422, 'a template that does not parse is a rule beyond the documented shape');
    assert.match(broken.body.error.message, /template\.body: not a valid Liquid template/);
    const missing = await asOwner('POST', '/v1/hooks', hookBody({ format: 'template' }));
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /template/);

    const created = await asOwner(
      'POST',
      '/v1/hooks',
      hookBody({
        target: { type: 'http', url: `${receiver.url}/bad-json` },
        format: 'template',
        template: { contentType: 'application/json', body: '{"type": {{ event.type }}}' },
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const test = await asOwner('POST', `/v1/hooks/${created.body.id}/test`, { type: 'note', data: {} });
    assert.equal(test.body.outcome, 'permanent');
    assert.equal(test.body.attempt.errorKind, 'render');
    assert.match(test.body.attempt.errorMessage, /invalid JSON/);
    assert.equal(receiver.requests.filter((r) => r.path === '/bad-json').length, 0);
  });

  it('lets the admin create hooks for an owner, and requires it to say which', async () => {
    const missing = await hookflow.request('POST', '/v1/hooks', hookBody());
    assert.equal(missing.status, 422, 'which key is sent is not in the shape of the body');
    assert.match(missing.body.error.message, /ownerId/);
    const created = await hookflow.request('POST', '/v1/hooks', hookBody({ ownerId: owner.id }));
    assert.equal(created.status, 201);
    assert.equal(created.body.ownerId, owner.id);
  });

  it('pages through hooks newest first, stable while new hooks arrive', async () => {
    const other = await hookflow.createOwner('Pager');
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: other.apiKey });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await as('POST', '/v1/hooks', hookBody({ name: `h${i}` }))).body.id);
    const first = await as('GET', '/v1/hooks?limit=2');
    assert.deepEqual(
      first.body.data.map((h: { id: string }) => h.id),
      [ids[4], ids[3]],
    );
    await as('POST', '/v1/hooks', hookBody({ name: 'late' }));
    const second = await as('GET', `/v1/hooks?limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual(
      second.body.data.map((h: { id: string }) => h.id),
      [ids[2], ids[1]],
    );
    const third = await as('GET', `/v1/hooks?limit=2&cursor=${second.body.nextCursor}`);
    assert.deepEqual(
      third.body.data.map((h: { id: string }) => h.id),
      [ids[0]],
    );
    assert.equal(third.body.nextCursor, undefined);
    assert.equal((await as('GET', '/v1/hooks?limit=501')).status, 400);
    assert.equal((await as('GET', '/v1/hooks?cursor=not%20base64url')).status, 400);
    assert.equal((await as('GET', '/v1/hooks?cursor=garbage')).status, 422, 'of the documented form, not one we gave');
  });
});
