import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventKey, idOf, type OwnerId } from '../core/ids';
import { eventWorkflowId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

describe('events API', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: OwnerId; apiKey: string };

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    owner = await hookflow.createOwner('Creads');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const asOwner = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    hookflow.request(method, path, body, { key: owner.apiKey, headers });

  async function hook(events: string[], path: string, extra: Record<string, unknown> = {}) {
    const created = await asOwner('POST', '/v1/hooks', {
      name: path,
      events,
      target: { type: 'http', url: `${receiver.url}${path}` },
      ...extra,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id as string;
  }

  const requestsTo = (path: string) => receiver.requests.filter((r) => r.path === path);

  it('stores one event, runs one workflow and delivers once under 50 identical concurrent posts', async () => {
    await hook(['onNotificationSend'], '/concurrent');
    const event = { id: `push-${Date.now()}`, type: 'onNotificationSend', data: { deviceId: 'd1' } };
    const answers = await Promise.all(Array.from({ length: 50 }, () => asOwner('POST', '/v1/events', event)));
    assert.ok(
      answers.every((a) => a.status === 202 || a.status === 200),
      JSON.stringify(answers.map((a) => a.status)),
    );
    assert.equal(answers.filter((a) => a.status === 202).length, 1, 'exactly one post created the event');
    assert.ok(answers.every((a) => a.body.id === event.id));

    assert.equal(await hookflow.mongo.collection('events').countDocuments({ id: event.id, ownerId: owner.id }), 1);
    const workflowId = eventWorkflowId(eventKey(owner.id, idOf('event', event.id)));
    await hookflow.temporal.workflow.getHandle(workflowId).result();
    const runs = [];
    for await (const run of hookflow.temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(run);
    assert.equal(runs.length, 1);
    assert.equal(requestsTo('/concurrent').length, 1);
    assert.equal(await hookflow.mongo.collection('deliveries').countDocuments({ eventId: event.id }), 1);
  });

  it('honours Idempotency-Key like an event id, and refuses the same id with other content', async () => {
    const key = `idem-${Date.now()}`;
    const first = await asOwner(
      'POST',
      '/v1/events',
      { type: 'follow', data: { user: { id: 'u1' } } },
      { 'idempotency-key': key },
    );
    assert.equal(first.status, 202);
    assert.equal(first.body.id, key);
    const again = await asOwner(
      'POST',
      '/v1/events',
      { type: 'follow', data: { user: { id: 'u1' } } },
      { 'idempotency-key': key },
    );
    assert.equal(again.status, 200);
    assert.equal(again.body.createdAt, first.body.createdAt);
    const different = await asOwner(
      'POST',
      '/v1/events',
      { type: 'follow', data: { user: { id: 'u2' } } },
      { 'idempotency-key': key },
    );
    assert.equal(different.status, 409);
    const mismatch = await asOwner(
      'POST',
      '/v1/events',
      { id: 'other', type: 'follow', data: { user: {} } },
      { 'idempotency-key': key },
    );
    assert.equal(mismatch.status, 422);
    const badKey = await asOwner(
      'POST',
      '/v1/events',
      { type: 'follow', data: { user: {} } },
      { 'idempotency-key': 'has spaces' },
    );
    assert.equal(badKey.status, 400);
    assert.match(badKey.body.error.message, /Idempotency-Key/);
  });

  it('delivers a batch sharing one messageId, and refuses the whole batch for one bad event', async () => {
    await hook(['onNotificationFailure'], '/batch');
    const batch = await asOwner('POST', '/v1/events/batch', {
      messageId: 'msg-42',
      events: [
        { type: 'onNotificationSend', data: { deviceId: 'a' } },
        { type: 'onNotificationFailure', data: { deviceId: 'b' } },
        { type: 'onNotificationFailure', data: { deviceId: 'c' } },
      ],
    });
    assert.equal(batch.status, 202, JSON.stringify(batch.body));
    assert.equal(batch.body.events.length, 3);
    assert.ok(batch.body.events.every((e: { messageId: string }) => e.messageId === 'msg-42'));
    await eventually(() => Promise.resolve(assert.equal(requestsTo('/batch').length, 2)));
    const listed = await asOwner('GET', '/v1/events?messageId=msg-42');
    assert.equal(listed.body.data.length, 3);

    const before = await hookflow.mongo.collection('events').countDocuments();
    const bad = await asOwner('POST', '/v1/events/batch', {
      messageId: 'msg-43',
      events: [
        { type: 'onNotificationSend', data: {} },
        { type: 'not-in-catalogue', data: {} },
      ],
    });
    assert.equal(bad.status, 422);
    assert.match(bad.body.error.message, /events\.1/);
    assert.equal(await hookflow.mongo.collection('events').countDocuments(), before);
  });

  it("checks data against the event type's JSON Schema: 422 naming the problem, nothing stored", async () => {
    const type = await hookflow.request('POST', '/v1/event-types', {
      name: 'invoice.paid',
      description: 'An invoice was paid',
      schema: {
        type: 'object',
        required: ['amount'],
        properties: { amount: { type: 'number', minimum: 0 }, currency: { $ref: '#/$defs/currency' } },
        $defs: { currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
      },
    });
    assert.equal(type.status, 201, JSON.stringify(type.body));
    const bad = await asOwner('POST', '/v1/events', {
      id: 'inv-bad',
      type: 'invoice.paid',
      data: { amount: -1, currency: 'eur' },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'schema_mismatch');
    assert.match(JSON.stringify(bad.body.error.details), /amount/);
    assert.match(JSON.stringify(bad.body.error.details), /currency/);
    assert.equal(await hookflow.mongo.collection('events').countDocuments({ id: 'inv-bad' }), 0);
    const good = await asOwner('POST', '/v1/events', { type: 'invoice.paid', data: { amount: 10, currency: 'EUR' } });
    assert.equal(good.status, 202);
  });

  it('refuses bad events with a 4xx naming the problem', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ type: 'nope', data: {} }, 422, /type/],
      [{ type: 'follow' }, 400, /data/],
      [{ type: 'follow', data: [] }, 400, /data/],
      [{ type: 'follow', data: {}, extra: 1 }, 400, /extra/],
      [{ id: 'bad id!', type: 'follow', data: {} }, 400, /id/],
      [{ type: 'resource.created', resourceType: 'spaceship', data: {} }, 422, /resourceType/],
      [{ type: 'follow', data: { blob: 'x'.repeat(300 * 1024) } }, 413, /bytes/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await asOwner('POST', '/v1/events', body);
      assert.equal(answer.status, status, JSON.stringify(body).slice(0, 100));
      assert.match(answer.body.error.message, message);
    }
    const invalidJson = await asOwner('POST', '/v1/events', '{"type":');
    assert.equal(invalidJson.status, 400);
    assert.equal(invalidJson.body.error.code, 'invalid_json');
  });

  it('delivers by resource type only to hooks that want it', async () => {
    const projects = await hook(['resource.*'], '/projects', { resourceTypes: ['project'] });
    const everything = await hook(['resource.created'], '/all-resources');
    const posted = await asOwner('POST', '/v1/events', {
      type: 'resource.created',
      resourceType: 'comment',
      resourceId: 'cmt_1',
      data: { body: 'hi' },
    });
    const event = await eventually(async () => {
      const current = await asOwner('GET', `/v1/events/${posted.body.id}`);
      assert.equal(current.body.deliveries.length, 1);
      return current.body;
    });
    assert.equal(event.deliveries[0].hookId, everything);
    assert.equal(event.resourceType, 'comment');
    assert.notEqual(event.deliveries[0].hookId, projects);
  });

  it('lists events by type and time window, newest first', async () => {
    const other = await hookflow.createOwner('Lister');
    const as = (body: unknown) => hookflow.request('POST', '/v1/events', body, { key: other.apiKey });
    const start = new Date().toISOString();
    const ids = [];
    for (const type of ['note', 'reply', 'note']) ids.push((await as({ type, data: { note: {} } })).body.id);
    const notes = await hookflow.request('GET', `/v1/events?type=note&since=${start}`, undefined, {
      key: other.apiKey,
    });
    assert.deepEqual(
      notes.body.data.map((e: { id: string }) => e.id),
      [ids[2], ids[0]],
    );
    const none = await hookflow.request('GET', `/v1/events?until=${start}`, undefined, { key: other.apiKey });
    assert.deepEqual(none.body.data, []);
    const bad = await hookflow.request('GET', '/v1/events?since=yesterday', undefined, { key: other.apiKey });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /since/);
  });
});
