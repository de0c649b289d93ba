import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { hostPauseWorkflowId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** How long the breaker pauses a host here: long enough to watch nothing go to it. */
const PAUSE_MS = 6_000;

/**
 * The breaker per target host on the real stack, tripped at 5 failures in a
 * minute: the host's sends wait out the pause, recorded as retrying with no
 * attempt spent, then go; another host is not held up meanwhile.
 */
describe('the breaker per target host', () => {
  let hookflow: Hookflow;
  let failing: Awaited<ReturnType<typeof startReceiver>>;
  let healthy: Awaited<ReturnType<typeof startReceiver>>;
  let failingAnswer = 500;

  before(async () => {
    hookflow = await startHookflow({ hostBreaker: { failures: 5, window: '1m', pause: `${PAUSE_MS}ms` } });
    failing = await startReceiver(() => failingAnswer);
    healthy = await startReceiver();
  });
  after(async () => {
    await failing?.close();
    await healthy?.close();
    await hookflow?.stop();
  });

  it('pauses a host after a burst of failures, holds its deliveries, and sends them once the pause is over', async () => {
    const owner = await hookflow.createOwner('Breaker');
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });
    const hookTo = async (url: string, events: string[]) => {
      const hook = await as('POST', '/v1/hooks', {
        name: url,
        events,
        target: { type: 'http', url },
        delivery: { retrySchedule: Array<string>(10).fill('1s') },
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      return hook.body.id as string;
    };
    const failingHook = await hookTo(`${failing.url}/hook`, ['reaction']);
    const healthyHook = await hookTo(`${healthy.url}/hook`, ['resource.*']);
    const host = new URL(failing.url).host;

    for (const n of [1, 2, 3, 4, 5]) {
      assert.equal((await as('POST', '/v1/events', { type: 'reaction', data: { n } })).status, 202);
    }
    const paused = await eventually(async () => {
      const hook = (await as('GET', `/v1/hooks/${failingHook}`)).body;
      assert.ok(hook.hostPausedUntil, 'the hook shows its host paused');
      return hook;
    }, 20_000);
    const pause = await hookflow.temporal.workflow.getHandle(hostPauseWorkflowId(host)).describe();
    assert.equal(pause.status.name, 'RUNNING', 'the pause is a workflow the Web UI lists');
    assert.equal((await as('GET', `/v1/hooks/${healthyHook}`)).body.hostPausedUntil, undefined);

    failingAnswer = 200;
    // Workers read the pauses every second: after that, nothing goes to the host until the pause ends.
    await sleep(1_200);
    const sentBefore = failing.requests.length;
    const held = await as('POST', '/v1/events', { type: 'reaction', data: { n: 6 } });
    const elsewhere = await as('POST', '/v1/events', {
      type: 'resource.updated',
      resourceType: 'project',
      resourceId: 'p7',
      data: { n: 7 },
    });
    assert.deepEqual([held.status, elsewhere.status], [202, 202]);
    await eventually(async () => {
      const delivery = (await as('GET', `/v1/events/${held.body.id}`)).body.deliveries[0];
      assert.equal(delivery?.status, 'retrying', JSON.stringify(delivery));
      assert.match(delivery.failureReason, new RegExp(`sends to ${host} are paused until`));
      assert.equal(delivery.attempts, 0, 'no attempt is spent on a paused host');
    });
    await eventually(() => assert.equal(healthy.requests.length, 1, 'another host is not held up'));
    assert.ok(Date.now() < new Date(paused.hostPausedUntil as string).getTime(), 'still within the pause');
    assert.equal(failing.requests.length, sentBefore, 'nothing is sent to a paused host');

    await eventually(async () => {
      const listed = (await as('GET', `/v1/deliveries?hookId=${failingHook}`)).body.data;
      assert.deepEqual(
        listed.map((d: { status: string }) => d.status),
        Array<string>(6).fill('succeeded'),
      );
    }, PAUSE_MS + 20_000);
    const sixth = (await as('GET', `/v1/events/${held.body.id}`)).body.deliveries[0];
    assert.deepEqual([sixth.attempts, sixth.failureReason], [1, undefined], 'one attempt, after the pause');
    assert.equal(
      (await hookflow.temporal.workflow.getHandle(hostPauseWorkflowId(host)).describe()).status.name,
      'COMPLETED',
    );
    assert.equal((await as('GET', `/v1/hooks/${failingHook}`)).body.hostPausedUntil, undefined);
    assert.equal((await as('GET', `/v1/events/${elsewhere.body.id}`)).body.deliveries[0]?.status, 'succeeded');
  });
});
