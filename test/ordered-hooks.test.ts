import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { Managed } from '../scripts/devstack/processes';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type Answer } from './support/receiver';
import { startWorkerProcess } from './support/worker-process';

/** Events per key; each key's are numbered from 1 in the order they are posted. */
const PER_KEY = 12;
const KEYS = ['order-a', 'order-b'];

/** What the receiver saw of one request, and when it answered (or would have: a killed worker hears nothing). */
interface Arrival {
  key: string;
  n: number;
  at: number;
  status: number;
  answeredAt: number;
}

/**
 * Ordered hooks (`delivery.ordering: "fifo"`) on the real stack, with the
 * worker in a process of its own so that it can be killed in the middle: each
 * key's events reach the receiver strictly in the order they were accepted,
 * a retrying one holding back the later ones of its key but not the other
 * key's, and a worker killed while one is in flight changes nothing.
 */
describe('ordered hooks', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: Managed | undefined;
  const arrivals: Arrival[] = [];
  /** Per key and number: how the receiver answers the next arrivals of that event, in turn; then 200. */
  const scripted = new Map<string, Answer[]>();
  /** Set once the slow event arrived: the test kills the worker while it waits for its answer. */
  let slowArrived: () => void = () => undefined;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    receiver = await startReceiver((request) => {
      const { key, n } = (JSON.parse(request.body) as { data: { key: string; n: number } }).data;
      const answer = scripted.get(`${key}#${n}`)?.shift() ?? 200;
      const { status, delayMs = 0 } = typeof answer === 'number' ? { status: answer } : answer;
      arrivals.push({ key, n, at: request.receivedAt, status, answeredAt: request.receivedAt + delayMs });
      if (delayMs > 0) slowArrived();
      return answer;
    });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
    await hookflow?.stop();
  });

  async function orderedHook() {
    const owner = await hookflow.createOwner(`Ordered ${Date.now()}`);
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });
    const hook = await as('POST', '/v1/hooks', {
      name: 'ordered',
      events: ['resource.updated'],
      target: { type: 'http', url: `${receiver.url}/ordered` },
      delivery: { ordering: 'fifo', retrySchedule: ['1s', '1s', '1s', '1s'] },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    assert.equal(hook.body.delivery.ordering, 'fifo');
    return { as, hookId: hook.body.id as string };
  }

  /** Posts events `from`..`to` of every key, interleaved, each after the one before was accepted. */
  async function post(as: Awaited<ReturnType<typeof orderedHook>>['as'], from: number, to: number) {
    for (let n = from; n <= to; n++) {
      for (const key of KEYS) {
        const posted = await as('POST', '/v1/events', {
          type: 'resource.updated',
          orderingKey: key,
          data: { key, n },
        });
        assert.equal(posted.status, 202, JSON.stringify(posted.body));
        assert.equal(posted.body.orderingKey, key);
      }
    }
  }

  it('delivers each key in acceptance order through retries and a worker kill, the two keys side by side', async () => {
    worker = await startWorkerProcess(hookflow.config, 'test-worker-ordered-1');
    const { as, hookId } = await orderedHook();
    // A's third event fails twice and B's second once: each holds its own key back, not the other.
    scripted.set('order-a#3', [500, 500]);
    scripted.set('order-b#2', [503]);
    // A's fifth answers slowly: the worker is killed while it waits, and the event must go again, still in order.
    scripted.set('order-a#5', [{ status: 200, delayMs: 8_000 }]);
    const slow = new Promise<void>((resolve) => (slowArrived = resolve));

    await post(as, 1, 6);
    await slow;
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGKILL');
    await exited;
    // Accepted while no worker runs: their dispatches wait, and must not overtake what the lane had left.
    await post(as, 7, PER_KEY);
    worker = await startWorkerProcess(hookflow.config, 'test-worker-ordered-2');

    await eventually(async () => {
      const succeeded = await as('GET', `/v1/deliveries?hookId=${hookId}&status=succeeded&limit=100`);
      assert.equal(succeeded.body.data.length, KEYS.length * PER_KEY, `${succeeded.body.data.length} succeeded`);
    }, 90_000);

    for (const key of KEYS) {
      const ofKey = arrivals.filter((arrival) => arrival.key === key);
      // Each event arrives only once every earlier one of its key has had its 2xx answer.
      for (const arrival of ofKey) {
        const earlier = Array.from({ length: arrival.n - 1 }, (_, i) => i + 1);
        const unanswered = earlier.filter(
          (n) => !ofKey.some((a) => a.n === n && a.status < 300 && a.answeredAt <= arrival.at),
        );
        assert.deepEqual(unanswered, [], `${key} #${arrival.n} arrived before ${unanswered.join(', ')} succeeded`);
      }
      const firsts = ofKey.filter((arrival, i) => ofKey.findIndex((a) => a.n === arrival.n) === i).map((a) => a.n);
      assert.deepEqual(
        firsts,
        Array.from({ length: PER_KEY }, (_, i) => i + 1),
        `${key}: first arrivals in order`,
      );
    }
    const aFifth = arrivals.filter((arrival) => arrival.key === 'order-a' && arrival.n === 5);
    assert.ok(aFifth.length >= 2, 'the event in flight when the worker died went again');
    const aThird = arrivals.filter((arrival) => arrival.key === 'order-a' && arrival.n === 3);
    assert.deepEqual(
      aThird.map((arrival) => arrival.status),
      [500, 500, 200],
    );
    const [firstTry, , success] = aThird as [Arrival, Arrival, Arrival];
    const bMeanwhile = arrivals.filter(
      (arrival) => arrival.key === 'order-b' && arrival.at > firstTry.at && arrival.at < success.at,
    );
    assert.ok(bMeanwhile.length > 0, "B's events went on while A's third was retrying");
  });

  it('refuses an ordered hook that is also paced, at creation (400) and by a patch (422)', async () => {
    const { as, hookId } = await orderedHook();
    const created = await as('POST', '/v1/hooks', {
      name: 'ordered and paced',
      events: ['resource.updated'],
      target: { type: 'http', url: `${receiver.url}/ordered` },
      delivery: { ordering: 'fifo', rateLimit: { perSecond: 5 } },
    });
    assert.equal(created.status, 400, JSON.stringify(created.body));
    assert.match(JSON.stringify(created.body), /delivery\.ordering/);
    const patched = await as('PATCH', `/v1/hooks/${hookId}`, { delivery: { maxInFlight: 2 } });
    assert.equal(patched.status, 422, JSON.stringify(patched.body));
    assert.match(patched.body.error.message, /^delivery.ordering: .*rateLimit or maxInFlight/);
    const unordered = await as('PATCH', `/v1/hooks/${hookId}`, { delivery: { ordering: null, maxInFlight: 2 } });
    assert.equal(unordered.status, 200, JSON.stringify(unordered.body));
    assert.equal(unordered.body.delivery.ordering, null);
  });
});
