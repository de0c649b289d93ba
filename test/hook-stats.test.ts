import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DURATION_BOUNDS_MS, durationBucketOf } from '../core/attempt-stats';
import type { OwnerId } from '../core/ids';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

/** How long the steady receiver waits before answering: its attempts take 150 ms and more. */
const STEADY_DELAY_MS = 150;
const EVENTS = 3;

/**
 * Per-hook health on the real stack: a receiver answers a known mix, and the
 * stats equal what it was sent. `steady` answers 200 after a delay; `flaky`
 * answers each delivery's first attempt 500 and its retry 200; `bad` answers
 * 400 (not retried); `gone` answers 410 to the one event it gets.
 */
describe('per-hook stats', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: OwnerId; apiKey: string };
  const hooks: Record<'steady' | 'flaky' | 'bad' | 'gone', string> = { steady: '', flaky: '', bad: '', gone: '' };
  const seen = new Set<string>();

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request: ReceivedRequest) => {
      if (request.path === '/steady') return { status: 200, delayMs: STEADY_DELAY_MS };
      if (request.path === '/bad') return 400;
      if (request.path === '/gone') return 410;
      const messageId = String(request.headers['webhook-id']);
      const first = !seen.has(messageId);
      seen.add(messageId);
      return first ? 500 : 200;
    });
    owner = await hookflow.createOwner('Stats');
    for (const name of ['steady', 'flaky', 'bad'] as const) {
      const created = await as('POST', '/v1/hooks', {
        name,
        events: ['resource.updated'],
        target: { type: 'http', url: `${receiver.url}/${name}` },
        delivery: { retrySchedule: ['1s'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      hooks[name] = created.body.id;
    }
    const gone = await as('POST', '/v1/hooks', {
      name: 'gone',
      events: ['dataset-published'],
      target: { type: 'http', url: `${receiver.url}/gone` },
    });
    assert.equal(gone.status, 201, JSON.stringify(gone.body));
    hooks.gone = gone.body.id;

    for (let index = 0; index < EVENTS; index++) {
      const posted = await as('POST', '/v1/events', {
        type: 'resource.updated',
        resourceType: 'project',
        resourceId: `p${index}`,
        data: { id: `p${index}` },
      });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      // One event at a time as far as `bad`'s streak goes: FerretDB 1.24 loses concurrent $inc of one document
      // (README, "What we avoid"), which MongoDB does not, and two events' failures counted at once left the
      // streak at 1 of 3 in a loaded full run.
      await eventually(async () => {
        const stats = await as('GET', `/v1/hooks/${hooks.bad}/stats?window=1h`);
        assert.equal(stats.body.failureStreak, index + 1);
      });
    }
    assert.equal((await as('POST', '/v1/events', { type: 'dataset-published', data: { id: 'ds1' } })).status, 202);
    // Every delivery done: the flaky ones after their retry.
    await eventually(async () => {
      const listed = await as('GET', '/v1/deliveries?limit=100');
      assert.equal(listed.body.data.length, 3 * EVENTS + 1);
      for (const delivery of listed.body.data) assert.ok(['succeeded', 'failed'].includes(delivery.status));
    }, 30_000);
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  function as(method: string, path: string, body?: unknown) {
    return hookflow.request(method, path, body, { key: owner.apiKey });
  }

  const sentTo = (name: string) => receiver.requests.filter((request) => request.path === `/${name}`).length;

  /** The hook's stats once the watcher has counted what is on record (it writes just after the records). */
  function statsOnceCounted(name: keyof typeof hooks, window = '1h') {
    return eventually(async () => {
      const stats = await as('GET', `/v1/hooks/${hooks[name]}/stats?window=${window}`);
      assert.equal(stats.status, 200, JSON.stringify(stats.body));
      assert.equal(stats.body.attempts, sentTo(name));
      return stats.body;
    });
  }

  /** The durations of a hook's attempts as the deliveries API lists them (one attempt each), shortest first. */
  async function recordedDurations(name: keyof typeof hooks): Promise<number[]> {
    const listed = await as('GET', `/v1/deliveries?hookId=${hooks[name]}&limit=100`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    return listed.body.data
      .map((delivery: { lastAttempt: { durationMs: number } }) => delivery.lastAttempt.durationMs)
      .sort((a: number, b: number) => a - b);
  }

  const noFailures = {
    http_4xx: 0,
    http_5xx: 0,
    http_other: 0,
    timeout: 0,
    network: 0,
    render: 0,
    config: 0,
    other: 0,
  };

  it('counts what a steady receiver was sent, with its durations in the bucket of its delay', async () => {
    const stats = await statsOnceCounted('steady');
    assert.equal(sentTo('steady'), EVENTS);
    assert.equal(stats.hookId, hooks.steady);
    assert.equal(stats.window, '1h');
    assert.equal(stats.successes, EVENTS);
    assert.equal(stats.failures, 0);
    assert.deepEqual(stats.failuresByKind, noFailures);
    assert.equal(stats.successRate, 1);
    assert.equal(stats.lastFailure, null);
    assert.ok(Date.parse(stats.lastSuccessAt) >= Date.parse(stats.from));
    assert.equal(stats.failureStreak, 0);
    // The percentiles lie in the buckets of the durations on record: the
    // median's for p50, the slowest's for p95 (of 3). How much over 150 ms an
    // attempt takes depends on how busy the machine is (a full run on CI saw
    // one over 250 ms), so the test reads them rather than guessing.
    const recorded = await recordedDurations('steady');
    assert.equal(recorded.length, EVENTS);
    assert.ok(
      recorded.every((duration) => duration >= STEADY_DELAY_MS),
      `${recorded.join(', ')} ms: each waited for its answer`,
    );
    const within = (value: number, duration: number) => {
      const bucket = durationBucketOf(duration);
      const lower = bucket === 0 ? 0 : (DURATION_BOUNDS_MS[bucket - 1] as number);
      const upper = DURATION_BOUNDS_MS[bucket] ?? Infinity;
      return value >= lower && value <= upper;
    };
    const detail = `${JSON.stringify(stats.durationMs)} for ${recorded.join(', ')} ms`;
    assert.ok(within(stats.durationMs.p50, recorded[1] as number), detail);
    assert.ok(within(stats.durationMs.p95, recorded[2] as number), detail);
    assert.ok(stats.durationMs.p95 >= stats.durationMs.p50, detail);
  });

  it('counts a first attempt that failed and its retry that succeeded as two attempts', async () => {
    const stats = await statsOnceCounted('flaky');
    assert.equal(sentTo('flaky'), 2 * EVENTS);
    assert.equal(stats.attempts, 2 * EVENTS);
    assert.equal(stats.successes, EVENTS);
    assert.equal(stats.failures, EVENTS);
    assert.deepEqual(stats.failuresByKind, { ...noFailures, http_5xx: EVENTS });
    assert.equal(stats.successRate, 0.5);
    assert.equal(stats.lastFailure.reason, 'HTTP 500');
    // Each retry came after its first attempt.
    assert.ok(Date.parse(stats.lastSuccessAt) >= Date.parse(stats.lastFailure.at));
    assert.equal(stats.failureStreak, 0, 'the retries that succeeded ended the streak');
    // Hour by hour, the same attempts (a run across an hour's turn splits them in two hours).
    const sum = (field: string) => stats.hours.reduce((total: number, hour: any) => total + hour[field], 0);
    assert.deepEqual([sum('attempts'), sum('successes'), sum('failures')], [2 * EVENTS, EVENTS, EVENTS]);
    assert.ok(stats.hours.every((hour: any) => Date.parse(hour.hour) % 3_600_000 === 0 && hour.p95Ms > 0));
  });

  it('counts answers that are not retried, and the streak they make', async () => {
    const bad = await statsOnceCounted('bad');
    assert.equal(bad.attempts, EVENTS);
    assert.equal(bad.successes, 0);
    assert.deepEqual(bad.failuresByKind, { ...noFailures, http_4xx: EVENTS });
    assert.equal(bad.successRate, 0);
    assert.equal(bad.lastSuccessAt, null);
    assert.equal(bad.lastFailure.reason, 'HTTP 400');
    assert.equal(bad.failureStreak, EVENTS);
    assert.ok(bad.failingSince);
    const gone = await statsOnceCounted('gone');
    assert.equal(gone.attempts, 1);
    assert.deepEqual(gone.failuresByKind, { ...noFailures, http_4xx: 1 });
    assert.equal(gone.lastFailure.reason, 'HTTP 410');
  });

  it('gives the same figures over a day and a week, and to the admin key', async () => {
    const hour = await statsOnceCounted('flaky');
    for (const window of ['24h', '7d']) {
      const longer = await as('GET', `/v1/hooks/${hooks.flaky}/stats?window=${window}`);
      assert.equal(longer.status, 200);
      assert.equal(longer.body.window, window);
      for (const field of ['attempts', 'successes', 'failures', 'failuresByKind', 'lastFailure', 'lastSuccessAt']) {
        assert.deepEqual(longer.body[field], hour[field], `${window} ${field}`);
      }
    }
    const admin = await hookflow.request('GET', `/v1/hooks/${hooks.flaky}/stats?window=1h`);
    assert.equal(admin.status, 200);
    assert.equal(admin.body.attempts, hour.attempts);
  });

  it("sums the owner's hooks and lists them worst first, a page at a time", async () => {
    await statsOnceCounted('gone');
    const first = await as('GET', '/v1/stats?window=1h&limit=2');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.ownerId, owner.id);
    const sent = ['steady', 'flaky', 'bad', 'gone'].map(sentTo).reduce((a, b) => a + b, 0);
    assert.equal(first.body.attempts, sent);
    assert.equal(first.body.successes, 2 * EVENTS);
    assert.deepEqual(first.body.failuresByKind, { ...noFailures, http_4xx: EVENTS + 1, http_5xx: EVENTS });
    // Both never succeeded; `bad` failed more often.
    assert.deepEqual(
      first.body.hooks.data.map((row: { hookId: string }) => row.hookId),
      [hooks.bad, hooks.gone],
    );
    assert.equal(first.body.hooks.data[0].failureStreak, EVENTS);
    assert.equal(first.body.hooks.data[0].name, 'bad');
    assert.ok(first.body.hooks.nextCursor);
    const second = await as('GET', `/v1/stats?window=1h&limit=2&cursor=${first.body.hooks.nextCursor}`);
    assert.deepEqual(
      second.body.hooks.data.map((row: { hookId: string; successRate: number }) => [row.hookId, row.successRate]),
      [
        [hooks.flaky, 0.5],
        [hooks.steady, 1],
      ],
    );
    assert.equal(second.body.hooks.nextCursor, undefined);
    assert.equal((await as('GET', '/v1/stats?cursor=nonsense')).status, 422);
  });

  it('refuses a window it does not keep, naming it', async () => {
    const refused = await as('GET', `/v1/hooks/${hooks.steady}/stats?window=2h`);
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /^window: /);
    assert.match(refused.body.error.message, /1h/);
    assert.equal((await as('GET', '/v1/stats?window=30d')).status, 400);
  });

  it("answers another owner's hook exactly as a missing one, and shows that owner only its own", async () => {
    const other = await hookflow.createOwner('Other');
    const asOther = (path: string) => hookflow.request('GET', path, undefined, { key: other.apiKey });
    const theirs = await asOther(`/v1/hooks/${hooks.flaky}/stats`);
    const missing = await asOther('/v1/hooks/hook_missing/stats');
    assert.equal(theirs.status, 404);
    assert.equal(missing.status, 404);
    assert.equal(theirs.body.error.code, missing.body.error.code);
    assert.equal(
      theirs.body.error.message.replace(hooks.flaky, 'ID'),
      missing.body.error.message.replace('hook_missing', 'ID'),
    );
    const summary = await asOther('/v1/stats');
    assert.equal(summary.status, 200);
    assert.equal(summary.body.attempts, 0);
    assert.deepEqual(summary.body.hooks.data, []);
    assert.equal((await asOther(`/v1/stats?ownerId=${owner.id}`)).status, 404);
    // The admin names the owner.
    assert.equal((await hookflow.request('GET', '/v1/stats')).status, 422);
    const byAdmin = await hookflow.request('GET', `/v1/stats?window=1h&ownerId=${owner.id}`);
    assert.equal(byAdmin.status, 200);
    assert.deepEqual(byAdmin.body.hooks, (await as('GET', '/v1/stats?window=1h')).body.hooks);
  });
});
