import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ScheduleNotFoundError } from '@temporalio/client';
import { replayScheduleId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

const HOUR = 3_600_000;

/** Replay schedules on the real stack: Temporal Schedules that re-drive what hooks missed, never twice. */
describe('replay schedules', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const answers: Record<string, number> = {};

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => answers[request.path] ?? 200);
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  /** An owner with a hook on `path`, and events 1..n sent to it: those in `failing` while it answered 422. */
  async function hookWithHistory(path: string, numbers: number[], failing: number[]) {
    const owner = await hookflow.createOwner(`Schedule ${path.slice(1)}`);
    const as = (method: string, url: string, body?: unknown) =>
      hookflow.request(method, url, body, { key: owner.apiKey });
    const hook = await as('POST', '/v1/hooks', {
      name: path,
      events: ['reaction'],
      target: { type: 'http', url: `${receiver.url}${path}` },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    for (const n of numbers) {
      answers[path] = failing.includes(n) ? 422 : 200;
      const posted = await as('POST', '/v1/events', { type: 'reaction', data: { n } });
      await eventually(async () => {
        const event = await as('GET', `/v1/events/${posted.body.id}`);
        assert.equal(event.body.deliveries[0]?.status, failing.includes(n) ? 'failed' : 'succeeded');
      });
    }
    answers[path] = 200;
    return { as, hookId: hook.body.id as string };
  }

  /** How often each event number reached `path`. */
  const receivedCounts = (path: string) => {
    const counts: Record<number, number> = {};
    for (const request of receiver.requests.filter((r) => r.path === path)) {
      const { n } = (JSON.parse(request.body) as { data: { n: number } }).data;
      counts[n] = (counts[n] ?? 0) + 1;
    }
    return counts;
  };

  it('re-drives failures on a short interval without ever duplicating a success; pauses, lists and deletes', async () => {
    const { as, hookId } = await hookWithHistory('/every', [1, 2, 3], [1, 2]);
    const created = await as('POST', '/v1/replay-schedules', { hookId, every: '2s', window: '1h' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await eventually(() => assert.deepEqual(receivedCounts('/every'), { 1: 2, 2: 2, 3: 1 }), 20_000);
    await sleep(5_000);
    assert.deepEqual(receivedCounts('/every'), { 1: 2, 2: 2, 3: 1 }, 'later ticks find nothing left to send');

    const listed = await as('GET', '/v1/replay-schedules');
    assert.deepEqual(
      listed.body.data.map((s: { id: string; every: string; paused: boolean }) => [s.id, s.every, s.paused]),
      [[created.body.id, '2s', false]],
    );
    const handle = hookflow.temporal.schedule.getHandle(replayScheduleId(created.body.id));
    const paused = await as('PATCH', `/v1/replay-schedules/${created.body.id}`, { paused: true });
    assert.equal(paused.body.paused, true);
    assert.equal((await handle.describe()).state.paused, true);
    assert.equal((await as('DELETE', `/v1/replay-schedules/${created.body.id}`)).status, 204);
    await assert.rejects(handle.describe(), ScheduleNotFoundError);
    assert.deepEqual((await as('GET', '/v1/replay-schedules')).body.data, []);
  });

  it("backfills a past window: each past tick recovers its own window's failures, once", async () => {
    const { as, hookId } = await hookWithHistory('/past', [1, 2, 3], [1, 2]);
    // The deliveries happened in the past: five minutes before the last whole hour at least a minute ago.
    const tick = Math.floor((Date.now() - 60_000) / HOUR) * HOUR;
    await hookflow.mongo
      .collection('deliveries')
      .updateMany({ hookId }, { $set: { createdAt: new Date(tick - 5 * 60_000) } });
    const created = await as('POST', '/v1/replay-schedules', { hookId, every: '1h', window: '10m' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const backfill = await as('POST', `/v1/replay-schedules/${created.body.id}/backfill`, {
      start: new Date(tick - 2 * HOUR).toISOString(),
      end: new Date(tick + 1_000).toISOString(),
    });
    assert.equal(backfill.status, 202, JSON.stringify(backfill.body));
    await eventually(() => assert.deepEqual(receivedCounts('/past'), { 1: 2, 2: 2, 3: 1 }), 20_000);
    const recovered = await as('GET', `/v1/deliveries?hookId=${hookId}&status=succeeded`);
    assert.equal(
      recovered.body.data.filter((d: { replayOf?: string }) => d.replayOf).length,
      2,
      'two new deliveries, linked to the failed ones',
    );
    await as('DELETE', `/v1/replay-schedules/${created.body.id}`);
  });

  it('refuses a schedule without cron or every, or with a cron Temporal cannot read, storing nothing', async () => {
    const { as, hookId } = await hookWithHistory('/bad', [], []);
    const neither = await as('POST', '/v1/replay-schedules', { hookId, window: '1h' });
    assert.equal(neither.status, 400);
    assert.match(neither.body.error.message, /give either cron or every/);
    const unreadable = await as('POST', '/v1/replay-schedules', { hookId, cron: 'every blue moon', window: '1h' });
    assert.equal(unreadable.status, 422, 'a cron only Temporal can judge is a rule beyond the documented shape');
    assert.match(unreadable.body.error.message, /^cron: /);
    assert.deepEqual((await as('GET', '/v1/replay-schedules')).body.data, []);
  });
});
