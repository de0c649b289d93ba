import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { idOf, replayIdFor } from '../core/ids';
import { recordReplay } from '../records/replay-records';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** Replays and recoveries on the real stack: what was missed goes out again, once, in order, at the asked rate. */
describe('replays and recovery', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Per path: the status the receiver answers now. */
  const answers: Record<string, number> = {};

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => answers[request.path] ?? 200);
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  async function ownerWithHook(path: string, extra: Record<string, unknown> = {}) {
    const owner = await hookflow.createOwner(`Replay ${path.slice(1)}`);
    const as = (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
      hookflow.request(method, url, body, { key: owner.apiKey, headers });
    const hook = await as('POST', '/v1/hooks', {
      name: path,
      events: ['reaction'],
      target: { type: 'http', url: `${receiver.url}${path}` },
      ...extra,
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    return { as, hookId: hook.body.id as string };
  }

  type As = Awaited<ReturnType<typeof ownerWithHook>>['as'];

  /** Posts an event and waits for its delivery to `status`; returns the event and delivery ids. */
  async function deliverEvent(as: As, n: number, status: string) {
    const posted = await as('POST', '/v1/events', { type: 'reaction', data: { n } });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const deliveryId = await eventually(async () => {
      const event = await as('GET', `/v1/events/${posted.body.id}`);
      assert.equal(event.body.deliveries[0]?.status, status);
      return idOf('delivery', event.body.deliveries[0].id as string);
    });
    return { eventId: posted.body.id as string, deliveryId };
  }

  const finished = (as: As, replayId: string) =>
    eventually(async () => {
      const replay = (await as('GET', `/v1/replays/${replayId}`)).body;
      assert.notEqual(replay.status, 'running');
      return replay;
    }, 30_000);

  const numbersReceivedOn = (path: string) =>
    receiver.requests.filter((r) => r.path === path).map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);

  it('recovers exactly what a hook missed, oldest first, at the asked rate, as new deliveries linked to the old', async () => {
    const { as, hookId } = await ownerWithHook('/recover');
    const since = new Date().toISOString();
    answers['/recover'] = 422;
    const missed = [];
    for (const n of [1, 2, 3]) missed.push(await deliverEvent(as, n, 'failed'));
    answers['/recover'] = 200;
    await deliverEvent(as, 4, 'succeeded');
    answers['/recover'] = 422;
    for (const n of [5, 6]) missed.push(await deliverEvent(as, n, 'failed'));
    answers['/recover'] = 200;
    const before = receiver.requests.length;

    const started = await as('POST', `/v1/hooks/${hookId}/recover`, { since, ratePerSecond: 2 });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.total, 5);
    const replay = await finished(as, started.body.id);
    assert.deepEqual(
      { status: replay.status, total: replay.total, done: replay.done, succeeded: replay.succeeded },
      { status: 'completed', total: 5, done: 5, succeeded: 5 },
    );

    const replayed = receiver.requests.slice(before);
    assert.deepEqual(numbersReceivedOn('/recover').slice(-5), [1, 2, 3, 5, 6], 'the missed ones, in order, once');
    assert.equal(replayed.length, 5);
    const spread = (replayed.at(-1)?.receivedAt ?? 0) - (replayed[0]?.receivedAt ?? 0);
    assert.ok(spread >= 1_800, `2 a second: 5 deliveries take at least 2 seconds (${spread} ms)`);
    for (const [index, original] of missed.entries()) {
      assert.equal(replayed[index]?.headers['webhook-id'], original.deliveryId, 'the same message id as the original');
      const old = (await as('GET', `/v1/deliveries/${original.deliveryId}`)).body;
      assert.equal(old.status, 'failed', 'the original stays as it was');
      const again = (await as('GET', `/v1/deliveries/${old.supersededBy}`)).body;
      assert.deepEqual([again.status, again.replayOf, again.replayId], ['succeeded', original.deliveryId, replay.id]);
    }

    const twice = await as('POST', `/v1/hooks/${hookId}/recover`, { since });
    assert.equal(twice.body.total, 0, 'a second recovery of the window finds nothing left to send');
    assert.equal((await finished(as, twice.body.id)).done, 0);
  });

  it('replays one delivery, even a successful one, and one event to its hooks and to new ones when asked', async () => {
    const { as } = await ownerWithHook('/again');
    const { eventId, deliveryId } = await deliverEvent(as, 7, 'succeeded');
    const one = await as('POST', `/v1/deliveries/${deliveryId}/replay`, {});
    assert.equal(one.status, 202, JSON.stringify(one.body));
    assert.equal((await finished(as, one.body.id)).succeeded, 1);
    assert.deepEqual(numbersReceivedOn('/again'), [7, 7]);

    const late = await as('POST', '/v1/hooks', {
      name: 'late',
      events: ['reaction'],
      target: { type: 'http', url: `${receiver.url}/late` },
    });
    const onlyOld = await as('POST', `/v1/events/${eventId}/replay`, {});
    assert.equal((await finished(as, onlyOld.body.id)).done, 1);
    assert.deepEqual(numbersReceivedOn('/late'), [], 'hooks new to the event only when asked');
    const withNew = await as('POST', `/v1/events/${eventId}/replay`, { includeNewHooks: true });
    assert.equal((await finished(as, withNew.body.id)).done, 2);
    assert.deepEqual(numbersReceivedOn('/late'), [7]);
    const delivered = await as('GET', `/v1/deliveries?hookId=${late.body.id}`);
    assert.equal(delivered.body.data[0].replayOf, undefined, 'nothing to link to: the hook is new to the event');
  });

  it('recovers an event replayed twice once: each replay supersedes what still stood for the event and hook', async () => {
    const { as, hookId } = await ownerWithHook('/twice');
    const since = new Date(Date.now() - 1_000).toISOString();
    const { eventId, deliveryId } = await deliverEvent(as, 3, 'succeeded');
    const byDelivery = await as('POST', `/v1/deliveries/${deliveryId}/replay`, {});
    assert.equal((await finished(as, byDelivery.body.id)).succeeded, 1);
    const byEvent = await as('POST', `/v1/events/${eventId}/replay`, {});
    assert.equal((await finished(as, byEvent.body.id)).succeeded, 1);
    const standing = (await as('GET', `/v1/deliveries?hookId=${hookId}`)).body.data.filter(
      (delivery: { supersededBy?: string }) => delivery.supersededBy === undefined,
    );
    assert.equal(standing.length, 1, "only the event replay's delivery still stands");

    const recovery = await as('POST', `/v1/hooks/${hookId}/recover`, { since, statuses: ['succeeded'] });
    assert.equal(recovery.status, 202, JSON.stringify(recovery.body));
    const done = await finished(as, recovery.body.id);
    assert.deepEqual([done.status, done.total, done.done, done.succeeded], ['completed', 1, 1, 1]);
    assert.deepEqual(numbersReceivedOn('/twice'), [3, 3, 3, 3], 'sent, replayed twice, recovered once');
  });

  it('answers a repeated request with the same Idempotency-Key with the first replay', async () => {
    const { as } = await ownerWithHook('/idempotent');
    const { deliveryId } = await deliverEvent(as, 8, 'succeeded');
    const headers = { 'idempotency-key': 'replay-8' };
    const first = await as('POST', `/v1/deliveries/${deliveryId}/replay`, {}, headers);
    const second = await as('POST', `/v1/deliveries/${deliveryId}/replay`, {}, headers);
    assert.equal(first.status, 202);
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
    await finished(as, first.body.id);
    const raced = await Promise.all(
      [1, 2].map(() => as('POST', `/v1/deliveries/${deliveryId}/replay`, {}, { 'idempotency-key': 'replay-8b' })),
    );
    assert.deepEqual(raced.map((answer) => answer.status).sort(), [200, 202], 'of two at once, one starts it');
    assert.equal(raced[0]?.body.id, raced[1]?.body.id);
    await finished(as, raced[0]?.body.id);
    assert.deepEqual(numbersReceivedOn('/idempotent'), [8, 8, 8]);
  });

  it('starts the workflow of a replay a crashed request recorded but never started, when the request is retried', async () => {
    const { as } = await ownerWithHook('/crashed');
    const { deliveryId } = await deliverEvent(as, 10, 'succeeded');
    const delivery = (await as('GET', `/v1/deliveries/${deliveryId}`)).body;
    // What the first try left: the replay on record under its key, no workflow.
    const id = replayIdFor(delivery.ownerId, 'replay-10');
    await recordReplay({ models: hookflow.models, replayRate: 10 }, id, {
      kind: 'delivery',
      ownerId: delivery.ownerId,
      deliveryId,
    });
    const retried = await as('POST', `/v1/deliveries/${deliveryId}/replay`, {}, { 'idempotency-key': 'replay-10' });
    assert.equal(retried.status, 200);
    assert.equal(retried.body.id, id);
    assert.equal((await finished(as, id)).succeeded, 1);
    assert.deepEqual(numbersReceivedOn('/crashed'), [10, 10]);
  });

  it('refuses to replay to a disabled hook with a 409, unless asked to enable it', async () => {
    const { as, hookId } = await ownerWithHook('/off');
    const { deliveryId } = await deliverEvent(as, 9, 'succeeded');
    await as('POST', `/v1/hooks/${hookId}/disable`, { reason: 'maintenance' });
    const refused = await as('POST', `/v1/deliveries/${deliveryId}/replay`, {});
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /is disabled: enable it first, or ask the replay to/);
    const enabled = await as('POST', `/v1/deliveries/${deliveryId}/replay`, { enableHook: true });
    assert.equal(enabled.status, 202);
    assert.equal((await finished(as, enabled.body.id)).succeeded, 1);
    assert.equal((await as('GET', `/v1/hooks/${hookId}`)).body.status, 'enabled');
  });

  it('stops a recovery when cancelled: no more pages, and what it left retrying is cancelled', async () => {
    const { as, hookId } = await ownerWithHook('/cancel', { delivery: { retrySchedule: ['1m'] } });
    const since = new Date().toISOString();
    answers['/cancel'] = 422;
    for (const n of [1, 2, 3, 4, 5, 6]) await deliverEvent(as, n, 'failed');
    answers['/cancel'] = 503;
    const started = await as('POST', `/v1/hooks/${hookId}/recover`, { since, ratePerSecond: 1 });
    await eventually(() => assert.ok(numbersReceivedOn('/cancel').length >= 7));
    const cancelled = await as('POST', `/v1/replays/${started.body.id}/cancel`);
    assert.equal(cancelled.status, 202);
    const replay = await finished(as, started.body.id);
    assert.equal(replay.status, 'cancelled');
    const sent = numbersReceivedOn('/cancel').length;
    await sleep(2_500);
    assert.equal(numbersReceivedOn('/cancel').length, sent, 'nothing is sent once cancelled');
    assert.ok(replay.done < 6, `it stopped before the end (${replay.done} of 6)`);
    const made = await as('GET', `/v1/deliveries?hookId=${hookId}&status=cancelled`);
    assert.equal(made.body.data.length, replay.done, 'its deliveries waiting for a retry are cancelled');
  });
});
