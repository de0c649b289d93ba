import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventKey, idOf, type OwnerId } from '../core/ids';
import { eventWorkflowId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/**
 * The walking skeleton end to end, on the real stack: an event posted to the
 * API reaches a local receiver through a Temporal workflow, and the delivery
 * is on record in MongoDB.
 */
describe('event delivery, end to end', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let ownerId: OwnerId;

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => (request.path === '/broken' ? 500 : 200));
    const owner = await hookflow.request('POST', '/v1/owners', { name: 'Creads', email: 'dev@creads.test' });
    assert.equal(owner.status, 201);
    ownerId = owner.body.id;
    for (const name of [
      'project.created',
      'invoice.paid',
      'dataset.finalized',
      'dataset.published',
      'visualization.created',
      'note.created',
    ]) {
      const type = await hookflow.request('POST', '/v1/event-types', { name });
      assert.equal(type.status, 201, JSON.stringify(type.body));
    }
  });

  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  async function createHook(events: string[], path = '/hook') {
    const hook = await hookflow.request('POST', '/v1/hooks', {
      ownerId,
      name: `hook for ${events.join(',')}`,
      events,
      target: { type: 'http', url: `${receiver.url}${path}` },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    return hook.body.id as string;
  }

  async function deliveriesOf(eventId: string, expected: number) {
    return eventually(async () => {
      const event = await hookflow.request('GET', `/v1/events/${eventId}`);
      assert.equal(event.status, 200);
      assert.equal(event.body.deliveries.length, expected);
      return event.body;
    });
  }

  it('answers /healthz and, with MongoDB and Temporal up, /readyz', async () => {
    assert.equal((await hookflow.request('GET', '/healthz', undefined, { key: null })).status, 200);
    const ready = await hookflow.request('GET', '/readyz', undefined, { key: null });
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { mongodb: 'ok', temporal: 'ok' });
  });

  it('delivers an event as JSON to the subscribed hook and records the delivery', async () => {
    const hookId = await createHook(['project.created']);
    const before = receiver.requests.length;
    const posted = await hookflow.request('POST', '/v1/events', {
      ownerId,
      type: 'project.created',
      data: { gid: 'prj_1', title: 'Logo' },
    });
    assert.equal(posted.status, 202);
    assert.match(posted.body.id, /^evt_/);

    const [request] = (await receiver.waitForRequests(before + 1)).slice(before);
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
    const body = JSON.parse(request.body) as { type: string; timestamp: string; data: unknown };
    assert.equal(body.type, 'project.created');
    assert.deepEqual(body.data, { gid: 'prj_1', title: 'Logo' });
    assert.equal(body.timestamp, posted.body.createdAt);

    const event = await eventually(async () => {
      const current = await deliveriesOf(posted.body.id, 1);
      assert.equal(current.deliveries[0].status, 'succeeded');
      return current;
    });
    const [delivery] = event.deliveries;
    assert.equal(delivery.hookId, hookId);
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.lastAttempt.statusCode, 200);
    assert.equal(request.headers['webhook-id'], delivery.id, 'webhook-id is the delivery id, for de-duplication');

    const handle = hookflow.temporal.workflow.getHandle(eventWorkflowId(eventKey(ownerId, posted.body.id)));
    assert.deepEqual(await handle.result(), {
      deliveries: 1,
      succeeded: 1,
      failed: 0,
      parked: 0,
      paced: 0,
      retrying: 0,
      alreadyAttempted: 0,
    });
    assert.equal((await handle.describe()).status.name, 'COMPLETED');
  });

  it('processes a repeated event once, and refuses the same id with other content', async () => {
    await createHook(['invoice.paid']);
    const event = { id: `crm-${Date.now()}`, ownerId, type: 'invoice.paid', data: { amount: 42 } };
    assert.equal((await hookflow.request('POST', '/v1/events', event)).status, 202);
    await eventually(async () => {
      const current = await deliveriesOf(event.id, 1);
      assert.equal(current.deliveries[0].status, 'succeeded');
    });
    const countAfterFirst = receiver.requests.filter((r) => r.body.includes('"invoice.paid"')).length;

    const again = await hookflow.request('POST', '/v1/events', event);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, event.id);
    const conflicting = await hookflow.request('POST', '/v1/events', { ...event, data: { amount: 43 } });
    assert.equal(conflicting.status, 409);
    assert.equal(conflicting.body.error.code, 'conflict');

    // The workflow for this event id is closed and must not run again.
    await hookflow.temporal.workflow.getHandle(eventWorkflowId(eventKey(ownerId, idOf('event', event.id)))).result();
    assert.equal(receiver.requests.filter((r) => r.body.includes('"invoice.paid"')).length, countAfterFirst);
    assert.equal(countAfterFirst, 1);
    assert.equal((await deliveriesOf(event.id, 1)).deliveries[0].attempts, 1);
  });

  it('delivers to exact names, prefix patterns and *, and to nobody else', async () => {
    const exact = await createHook(['dataset.finalized'], '/exact');
    const prefix = await createHook(['dataset.*'], '/prefix');
    const all = await createHook(['*'], '/all');
    await createHook(['dataset.published'], '/other');
    await createHook(['visualization.*'], '/other');

    const posted = await hookflow.request('POST', '/v1/events', { ownerId, type: 'dataset.finalized', data: {} });
    const event = await deliveriesOf(posted.body.id, 3);
    assert.deepEqual(event.deliveries.map((d: { hookId: string }) => d.hookId).sort(), [exact, prefix, all].sort());
  });

  it('records a failed attempt with the status the receiver answered, and schedules a retry', async () => {
    const hookId = await createHook(['note.created'], '/broken');
    const posted = await hookflow.request('POST', '/v1/events', { ownerId, type: 'note.created', data: {} });
    const event = await eventually(async () => {
      const current = await deliveriesOf(posted.body.id, 2); // the '*' hook from the previous test, and this one
      assert.ok(current.deliveries.every((d: { status: string }) => d.status !== 'pending'));
      return current;
    });
    const broken = event.deliveries.find((d: { hookId: string }) => d.hookId === hookId);
    assert.equal(broken.status, 'retrying');
    assert.ok(new Date(broken.nextAttemptAt).getTime() > Date.now(), 'the next attempt is in the future');
    assert.equal(broken.lastAttempt.statusCode, 500);
  });

  it('refuses requests without the admin key', async () => {
    const anonymous = await hookflow.request('GET', `/v1/owners/${ownerId}`, undefined, { key: null });
    assert.equal(anonymous.status, 401);
    const wrong = await hookflow.request('GET', `/v1/owners/${ownerId}`, undefined, { key: 'not-the-key' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'unauthorized');
  });

  it('answers bad input with a 4xx that names the problem', async () => {
    const invalidJson = await hookflow.request('POST', '/v1/events', '{"type":');
    assert.equal(invalidJson.status, 400);
    assert.equal(invalidJson.body.error.code, 'invalid_json');

    const missing = await hookflow.request('POST', '/v1/events', { ownerId, type: 'project.created' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /data/);

    const unknownOwner = await hookflow.request('POST', '/v1/events', { ownerId: 'own_nope', type: 'a.b', data: {} });
    assert.equal(unknownOwner.status, 404);
    assert.match(unknownOwner.body.error.message, /own_nope/);

    const badUrl = await hookflow.request('POST', '/v1/hooks', {
      ownerId,
      name: 'ftp',
      events: ['*'],
      target: { type: 'http', url: 'ftp://example.com/x' },
    });
    assert.equal(badUrl.status, 400);
    assert.match(badUrl.body.error.message, /target\.url/);

    const badPattern = await hookflow.request('POST', '/v1/hooks', {
      ownerId,
      name: 'bad',
      events: ['dataset.*.x'],
      target: { type: 'http', url: `${receiver.url}/hook` },
    });
    assert.equal(badPattern.status, 400);
    assert.match(badPattern.body.error.message, /events\.0/);

    const tooLarge = await hookflow.request('POST', '/v1/events', {
      ownerId,
      type: 'a.b',
      data: { blob: 'x'.repeat(300 * 1024) },
    });
    assert.equal(tooLarge.status, 413);

    const unknownRoute = await hookflow.request('GET', '/v1/nothing-here');
    assert.equal(unknownRoute.status, 404);
  });
});
