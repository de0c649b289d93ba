import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type Answer, type ReceivedRequest } from './support/receiver';

/**
 * How much sooner than its pace a request may reach the receiver: the path
 * from the lane's send to the receiver's clock (sockets, an event loop shared
 * with the API and the worker in this process, other test files on the same
 * cores) is not the same for every request. The pace itself is checked on
 * the attempts' recorded start times, which the lane spaces (START_JITTER_MS).
 */
const PATH_JITTER_MS = 100;

/**
 * How much later than its slot in the lane's spacing an attempt may record
 * its start: the few synchronous steps between (opening the hook's secrets,
 * rendering) take milliseconds, more when the machine's two cores are shared
 * with the stack and other test files and the process is paused. A window of
 * 950 ms holding at most 5 still tells 5 a second from 6 (whose 6 starts take
 * 833 ms).
 */
const START_JITTER_MS = 50;

interface DeliveryView {
  id: string;
  status: string;
  nextAttemptAt?: string;
  attempts: number;
}

/**
 * Paced hooks on the real stack (the lane workflow, workflows/hook-lane.ts):
 * a rate limit spreads a burst over time with nothing lost, an in-flight bound
 * holds at the receiver, and a receiver's Retry-After holds the whole hook back.
 */
describe('rate limits, in-flight bounds and Retry-After', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Per path: how the receiver answers the next requests, in turn; 200 at once when the list is empty. */
  const answers: Record<string, Answer[]> = {};
  /** Per path: how long the receiver takes to answer every request. */
  const delays: Record<string, number> = {};

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => {
      const answer = answers[request.path]?.shift() ?? 200;
      const delayMs = delays[request.path] ?? 0;
      return typeof answer === 'number' ? { status: answer, delayMs } : { delayMs, ...answer };
    });
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  async function ownerWithHook(path: string, delivery: Record<string, unknown>) {
    const email = `pacing-${path.slice(1)}-${Date.now()}@example.test`;
    const created = await hookflow.request('POST', '/v1/owners', { name: `Pacing ${path.slice(1)}`, email });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const as = (method: string, url: string, body?: unknown) =>
      hookflow.request(method, url, body, { key: created.body.apiKey as string });
    const hook = await as('POST', '/v1/hooks', {
      name: path,
      events: ['resource.*'],
      target: { type: 'http', url: `${receiver.url}${path}` },
      delivery,
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    return { as, hookId: hook.body.id as string, hook: hook.body as { delivery: Record<string, unknown> } };
  }

  type As = Awaited<ReturnType<typeof ownerWithHook>>['as'];

  const deliveriesOf = async (as: As, hookId: string) =>
    (await as('GET', `/v1/deliveries?hookId=${hookId}&limit=100`)).body.data as DeliveryView[];

  /** Posts events numbered `from` up to `count` more, all at once. */
  async function postAtOnce(as: As, count: number, from = 0) {
    const posted = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        as('POST', '/v1/events', {
          type: 'resource.updated',
          resourceType: 'project',
          resourceId: `p${from + i}`,
          data: { n: from + i },
        }),
      ),
    );
    for (const answer of posted) assert.equal(answer.status, 202, JSON.stringify(answer.body));
  }

  const received = (path: string): ReceivedRequest[] => receiver.requests.filter((r) => r.path === path);
  const numbersOn = (path: string) => received(path).map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);
  const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);
  const range = (count: number) => Array.from({ length: count }, (_, i) => i);

  it('spreads 50 deliveries over about 10 s at 5 a second, none lost, waiting ones pending with nextAttemptAt', async () => {
    const { as, hookId, hook } = await ownerWithHook('/five', { rateLimit: { perSecond: 5 } });
    assert.deepEqual(hook.delivery.rateLimit, { perSecond: 5 });
    assert.equal(hook.delivery.maxInFlight, null);
    await postAtOnce(as, 50);

    const waiting = await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.length, 50, 'every event has its delivery on record');
      const pending = deliveries.filter((d) => d.status === 'pending');
      assert.ok(pending.length >= 20, `${pending.length} pending while the lane works through them`);
      return pending;
    });
    for (const delivery of waiting) {
      assert.equal(delivery.attempts, 0);
      assert.ok(delivery.nextAttemptAt && !Number.isNaN(Date.parse(delivery.nextAttemptAt)), JSON.stringify(delivery));
    }

    const requests = (await receiver.waitForRequests(50, 30_000)).filter((r) => r.path === '/five');
    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.ok(
        deliveries.every((d) => d.status === 'succeeded'),
        JSON.stringify(deliveries.filter((d) => d.status !== 'succeeded')),
      );
    });
    assert.equal(requests.length, 50);
    assert.deepEqual(sorted(numbersOn('/five')), range(50), 'each event reached the receiver exactly once');
    // When each request went out, as its delivery's attempt records it (GET /v1/deliveries/:id).
    const sentAt = (
      await Promise.all(
        (await deliveriesOf(as, hookId)).map(async (d) => {
          const detail = (await as('GET', `/v1/deliveries/${d.id}`)).body as { attempts: { startedAt: string }[] };
          assert.equal(detail.attempts.length, 1, 'one attempt each');
          return Date.parse(detail.attempts[0]?.startedAt ?? '');
        }),
      )
    ).sort((a, b) => a - b);
    for (const [i, start] of sentAt.entries()) {
      const inWindow = sentAt.slice(i).filter((at) => at < start + 1_000 - START_JITTER_MS).length;
      assert.ok(
        inWindow <= 5,
        `${inWindow} requests went out in the second from request ${i + 1}: ${sentAt.map((at) => at - (sentAt[0] ?? 0)).join(', ')}`,
      );
    }
    const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    const spread = (times.at(-1) ?? 0) - (times[0] ?? 0);
    assert.ok(spread >= 9_000 - PATH_JITTER_MS && spread < 15_000, `the 50 requests reached it over ${spread} ms`);
  });

  it('keeps its rate with a receiver slower than the spacing of its requests', async () => {
    delays['/slow'] = 3_000;
    const { as, hookId } = await ownerWithHook('/slow', { rateLimit: { perSecond: 5 } });
    // Kept while the hook is off, then handed to the lane all at once on enable: the spread is the lane's alone,
    // not also the fan-out's, whose slices take their time on a loaded machine.
    await as('POST', `/v1/hooks/${hookId}/disable`, {});
    await postAtOnce(as, 15);
    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.filter((d) => d.status === 'paused').length, 15);
    });
    assert.equal((await as('POST', `/v1/hooks/${hookId}/enable`, {})).status, 200);
    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.filter((d) => d.status === 'succeeded').length, 15);
    }, 30_000);
    assert.deepEqual(sorted(numbersOn('/slow')), range(15));
    const times = received('/slow')
      .map((r) => r.receivedAt)
      .sort((a, b) => a - b);
    const spread = (times.at(-1) ?? 0) - (times[0] ?? 0);
    // 14 gaps of 200 ms: requests go out while earlier ones wait for their answers. Waiting for a second's
    // requests to be answered before the next would take 3 s more for each second's worth (8.4 s in all).
    assert.ok(spread >= 2_800 - PATH_JITTER_MS && spread < 5_500, `15 requests spread over ${spread} ms`);
  });

  it('never has more than maxInFlight requests open at a slow receiver', async () => {
    delays['/two'] = 300;
    const { as, hookId } = await ownerWithHook('/two', { maxInFlight: 2 });
    await postAtOnce(as, 12);
    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.filter((d) => d.status === 'succeeded').length, 12);
    }, 30_000);
    assert.deepEqual(sorted(numbersOn('/two')), range(12));
    // Open from arrival until the receiver answers, 300 ms later.
    const spans = received('/two').map((r) => [r.receivedAt, r.receivedAt + 300] as const);
    const openAt = (at: number) => spans.filter(([from, to]) => from <= at && at < to).length;
    const mostOpen = Math.max(...spans.map(([from]) => openAt(from)));
    assert.equal(mostOpen, 2, 'two at once, never more');
  });

  it('holds the whole hook back after a 429 with Retry-After: 2, then delivers everything', async () => {
    answers['/busy'] = [{ status: 429, headers: { 'retry-after': '2' } }];
    const { as, hookId } = await ownerWithHook('/busy', { retrySchedule: ['1s'] });
    await postAtOnce(as, 1);
    const [refused] = await eventually(() => {
      assert.equal(received('/busy').length, 1);
      return received('/busy');
    });
    await eventually(async () => {
      const view = (await as('GET', `/v1/hooks/${hookId}`)).body as { throttledUntil?: string };
      assert.ok(view.throttledUntil, 'the hook shows until when it is held back');
    });
    await postAtOnce(as, 5, 1);

    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.filter((d) => d.status === 'succeeded').length, 6, JSON.stringify(deliveries));
    }, 20_000);
    assert.deepEqual(sorted(numbersOn('/busy')), [0, ...range(6)]);
    const after429 = received('/busy').slice(1);
    const soonest = Math.min(...after429.map((r) => r.receivedAt)) - (refused?.receivedAt ?? 0);
    assert.ok(soonest >= 2_000 - PATH_JITTER_MS, `the next request came ${soonest} ms after the 429`);
    assert.ok(soonest < 6_000, `and not much later (${soonest} ms)`);
  });

  it('halves the rate after a 429 without Retry-After, then climbs back, delivering everything', async () => {
    // The third request is refused with a bare 429: no Retry-After, so nothing holds the hook, but its lane slows.
    answers['/crowded'] = [200, 200, 429];
    const { as, hookId } = await ownerWithHook('/crowded', { rateLimit: { perSecond: 10 }, retrySchedule: ['1s'] });
    // Parked, then handed to the lane at once on enable: the lane alone spaces them (as for the slow receiver).
    await as('POST', `/v1/hooks/${hookId}/disable`, {});
    await postAtOnce(as, 40);
    await eventually(async () => {
      assert.equal((await deliveriesOf(as, hookId)).filter((d) => d.status === 'paused').length, 40);
    });
    assert.equal((await as('POST', `/v1/hooks/${hookId}/enable`, {})).status, 200);
    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.filter((d) => d.status === 'succeeded').length, 40);
    }, 30_000);
    const refused = numbersOn('/crowded')[2] ?? -1;
    assert.deepEqual(
      sorted(numbersOn('/crowded')),
      sorted([...range(40), refused]),
      'the refused one again, none lost',
    );

    const times = received('/crowded').map((r) => r.receivedAt);
    const refusedAt = times[2] ?? 0;
    // At the hook's 10 a second, the second after the 429 would hold 10 requests; halved to 5, climbing back by
    // 1 a second, it holds 5 or 6 (one more for the spacing's edges and the path's jitter).
    const nextSecond = times.filter((at) => at > refusedAt && at < refusedAt + 1_000 - PATH_JITTER_MS).length;
    assert.ok(nextSecond >= 3 && nextSecond <= 7, `${nextSecond} requests in the second after the 429`);
    // Then it climbs back by 1 a second: the other 37 take about 5 s (5t + t²/2 = 37), where the hook's own rate
    // alone would send them in 3.7 s, and a rate left halved in 7.4 s.
    const rest = (times.at(-1) ?? 0) - refusedAt;
    assert.ok(rest >= 4_300 && rest < 7_000, `the 37 after the 429 took ${rest} ms`);
  });

  it("resumes a paced hook's parked deliveries through its lane: oldest first, at its rate", async () => {
    const { as, hookId } = await ownerWithHook('/resumed', { rateLimit: { perSecond: 2 } });
    const off = await as('POST', `/v1/hooks/${hookId}/disable`, { reason: 'maintenance' });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    for (const n of range(6)) {
      await postAtOnce(as, 1, n);
      await eventually(async () => assert.equal((await deliveriesOf(as, hookId)).length, n + 1));
    }
    assert.ok((await deliveriesOf(as, hookId)).every((d) => d.status === 'paused'));
    assert.deepEqual(received('/resumed'), [], 'nothing is sent while the hook is off');

    const on = await as('POST', `/v1/hooks/${hookId}/enable`, {});
    assert.deepEqual(on.body.parked, { resuming: 6, cancelled: 0 });
    await eventually(async () => {
      const deliveries = await deliveriesOf(as, hookId);
      assert.equal(deliveries.filter((d) => d.status === 'succeeded').length, 6, JSON.stringify(deliveries));
    }, 20_000);
    assert.deepEqual(numbersOn('/resumed'), range(6), 'in the order they were made');
    const times = received('/resumed').map((r) => r.receivedAt);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      assert.ok(gap >= 500 - PATH_JITTER_MS, `request ${i + 1} came ${gap} ms after the one before, at 2 a second`);
    }
  });

  it('takes the settings on a PATCH, clears them with null, and refuses bad values naming the field', async () => {
    const { as, hookId } = await ownerWithHook('/settings', {});
    const set = await as('PATCH', `/v1/hooks/${hookId}`, {
      delivery: { rateLimit: { perSecond: 20 }, maxInFlight: 3 },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.delivery.rateLimit, set.body.delivery.maxInFlight], [{ perSecond: 20 }, 3]);
    const cleared = await as('PATCH', `/v1/hooks/${hookId}`, { delivery: { rateLimit: null, maxInFlight: null } });
    assert.deepEqual([cleared.body.delivery.rateLimit, cleared.body.delivery.maxInFlight], [null, null]);
    for (const [delivery, field] of [
      [{ rateLimit: { perSecond: 0 } }, 'delivery.rateLimit.perSecond'],
      [{ rateLimit: { perSecond: 1_001 } }, 'delivery.rateLimit.perSecond'],
      [{ rateLimit: { perSecond: 2.5 } }, 'delivery.rateLimit.perSecond'],
      [{ rateLimit: {} }, 'delivery.rateLimit.perSecond'],
      [{ maxInFlight: 0 }, 'delivery.maxInFlight'],
    ] as const) {
      const refused = await as('PATCH', `/v1/hooks/${hookId}`, { delivery });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match(
        JSON.stringify(refused.body),
        new RegExp(field.replaceAll('.', '\\.')),
        JSON.stringify(refused.body),
      );
    }
  });
});
