import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DispatchedEvent } from '../shared/dispatch';
import { idOf, type EventKey, type HookId } from '../core/ids';
import { bulkTaskQueue, DISPATCH_WORKFLOW, dispatchWorkflowId, SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import type { DeliverDispatchResult, DeliverDispatchRun, deliverDispatch } from '../workflows/deliver-dispatch';
import { fakeFanOut, type FakeDelivery, type FakeOutcome, type FanOutCall } from './support/fake-fan-out';
import { startDevServerEnvironment, withMockWorkers } from './support/workflow-environment';

const OWNER = idOf('owner', 'owner');
/**
 * A real server suggests continuing as new after this many history events
 * (4,096 unless told); an activity call adds about six, so the huge fan-out
 * below (about 60 calls) goes through three runs. The time-skipping test
 * server never suggests it, so this file runs on a dev server of its own; the
 * workflow has no timers to skip.
 */
const SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS = 100;

/**
 * Every tenth hook fails and is retried, every tenth from the eighth fails for good, and every tenth from the
 * fifth is off, its delivery parked; the hooks of an event named `gone` are gone, and disabled.
 */
function outcomeOf({ eventKey, index }: { eventKey: string; index: number }): FakeOutcome {
  if (eventKey === 'gone') return 'disabling';
  if (index % 10 === 4) return 'parked';
  if (index % 10 === 7) return 'failing';
  return index % 10 === 9 ? 'retrying' : 'succeeded';
}

const idsOf = (deliveries: FakeDelivery[]) => deliveries.map((delivery) => delivery.deliveryId).sort();

const ofActivity = <A extends FanOutCall['activity']>(calls: FanOutCall[], activity: A) =>
  calls.filter((call): call is Extract<FanOutCall, { activity: A }> => call.activity === activity);

/**
 * deliverDispatch with the fan-out activities faked over an in-memory store
 * (support/fake-fan-out.ts): which call runs where, that every hook of every
 * event gets one delivery, how failures are handed on and counted, and how a
 * huge fan-out carries on across runs.
 */
describe('deliverDispatch workflow', () => {
  let env: TestWorkflowEnvironment;

  before(async () => {
    env = await startDevServerEnvironment({ suggestContinueAsNewAfterEvents: SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS });
  });
  after(async () => {
    await env?.teardown();
  });

  /**
   * Runs one dispatch of `input` on workers over `fake`; answers its result,
   * workflow id, task queue and the hooks its HookIds search attribute lists.
   */
  async function dispatch(fake: ReturnType<typeof fakeFanOut>, input: DeliverDispatchRun, signal: AbortSignal) {
    return withMockWorkers(env, fake.activities, signal, async (taskQueue) => {
      const workflowId = dispatchWorkflowId(idOf('dispatch', randomBytes(6).toString('hex')));
      const handle = await env.client.workflow.start<typeof deliverDispatch>(DISPATCH_WORKFLOW, {
        taskQueue,
        workflowId,
        args: [input],
      });
      const result = await handle.result();
      const hookIds = (await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.hookIds);
      return { result, workflowId, taskQueue, hookIds };
    });
  }

  // A fake event's key is the name its hooks are counted under: the fake store looks them up by it.
  const eventsOf = (hookCounts: Record<string, number>): DispatchedEvent[] =>
    Object.keys(hookCounts).map((name) => ({ eventKey: name as EventKey }));

  /** The result a dispatch of these deliveries comes to, on top of `before`. */
  function expectedResult(deliveries: FakeDelivery[], before?: DeliverDispatchResult): DeliverDispatchResult {
    const count = (outcome: FakeOutcome) => deliveries.filter((delivery) => delivery.outcome === outcome).length;
    return {
      deliveries: (before?.deliveries ?? 0) + deliveries.length,
      succeeded: (before?.succeeded ?? 0) + count('succeeded'),
      failed: (before?.failed ?? 0) + count('retrying') + count('failing') + count('disabling'),
      parked: (before?.parked ?? 0) + count('parked'),
      paced: before?.paced ?? 0,
      retrying: (before?.retrying ?? 0) + count('retrying'),
      alreadyAttempted: before?.alreadyAttempted ?? 0,
    };
  }

  /** handOnFailures was given each failure of these deliveries once, nothing else, and never an empty hand-off. */
  function assertHandedOn(fake: ReturnType<typeof fakeFanOut>, deliveries: FakeDelivery[]) {
    const handOffs = ofActivity(fake.calls, 'handOnFailures').map((call) => call.input);
    for (const handOff of handOffs) {
      const count = handOff.retries.length + handOff.failures.length + handOff.hooksToDisable.length;
      assert.ok(count > 0, 'a hand-off with nothing in it');
    }
    assert.deepEqual(
      handOffs.flatMap((handOff) => handOff.retries.map((retry) => retry.deliveryId)).sort(),
      idsOf(deliveries.filter((delivery) => delivery.outcome === 'retrying')),
    );
    assert.deepEqual(
      handOffs.flatMap((handOff) => handOff.failures.map((failure) => failure.deliveryId)).sort(),
      idsOf(deliveries.filter((delivery) => delivery.outcome === 'failing')),
      'each failure for good is handed on to be put on record',
    );
    assert.deepEqual(
      handOffs.flatMap((handOff) => handOff.hooksToDisable.map((hook) => hook.hookId)).sort(),
      deliveries
        .filter((delivery) => delivery.outcome === 'disabling')
        .map((delivery) => delivery.hookId)
        .sort(),
    );
  }

  it('begins every event in a local activity and then activity calls, and its remaining hooks on the bulk queue', async (t) => {
    // The first event alone outgrows the local call; the second outgrows the next call too. The call that
    // begins the last three has a hook to disable for its only failure.
    const hookCounts = { wide: 2_000, wider: 1_200, none: 0, gone: 1, few: 5 };
    const events = eventsOf(hookCounts);
    // Few calls, so that this history stays short of SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS.
    const fake = fakeFanOut({ hookCounts, hooksPerCall: 1_000, outcomeOf });
    const dispatchId = idOf('dispatch', 'dsp_wide');
    const { result, taskQueue, hookIds } = await dispatch(fake, { ownerId: OWNER, dispatchId, events }, t.signal);

    const begins = ofActivity(fake.calls, 'deliverFirstSlices');
    assert.deepEqual(
      fake.calls.map((call) => call.isLocal),
      [true, ...fake.calls.slice(1).map(() => false)],
      'the first call, and only it, is a local activity',
    );
    assert.equal(fake.calls[0], begins[0]);
    assert.deepEqual(begins[0]?.input.events, events);
    assert.ok(begins.length > 1, 'the local call left events for activity calls');
    begins.slice(1).forEach((call, i) => {
      const previous = begins[i] as (typeof begins)[number];
      assert.deepEqual(call.input.events, previous.input.events.slice(previous.begun), 'the events not begun yet');
      assert.equal(call.taskQueue, taskQueue);
    });
    assert.equal(begins.at(-1)?.begun, begins.at(-1)?.input.events.length, 'the last call began the rest');

    const remaining = ofActivity(fake.calls, 'deliverToSubscribers');
    assert.ok(remaining.length > 0);
    for (const call of remaining) {
      assert.equal(call.taskQueue, bulkTaskQueue(taskQueue), 'remaining hooks on the bulk queue');
    }
    for (const call of ofActivity(fake.calls, 'handOnFailures')) assert.equal(call.taskQueue, taskQueue);

    const all = events.flatMap((event) => fake.deliveriesOf(event));
    assert.deepEqual(idsOf(fake.delivered), idsOf(all), 'every hook of every event, once');
    assertHandedOn(fake, all);
    assert.deepEqual(result, expectedResult(all));
    // Ordered lanes hold later events back until then: the marking comes once, after the last delivery.
    assert.equal(begins[0]?.input.fannedOut, dispatchId, 'the local call may mark the dispatch');
    assert.deepEqual(
      ofActivity(fake.calls, 'markFannedOut').map(({ isLocal, taskQueue, input }) => ({ isLocal, taskQueue, input })),
      [{ isLocal: false, taskQueue, input: { dispatchId } }],
    );
    assert.equal(fake.calls.at(-1)?.activity, 'markFannedOut', 'marked after every other call');
    assert.equal(hookIds, undefined, 'thousands of hooks do not fit in HookIds, which is left unset');
  });

  it('leaves a dispatch that its local call went through to that call to mark', async (t) => {
    const hookCounts = { few: 5, none: 0, gone: 1 };
    const fake = fakeFanOut({ hookCounts, hooksPerCall: 1_000, outcomeOf });
    const dispatchId = idOf('dispatch', 'dsp_few');
    const events = eventsOf(hookCounts);
    const { result, hookIds } = await dispatch(fake, { ownerId: OWNER, dispatchId, events }, t.signal);

    assert.deepEqual(
      fake.calls.map((call) => call.activity),
      ['deliverFirstSlices', 'handOnFailures'],
      'one local call, the hand-off of its failures, and no activity to mark the dispatch',
    );
    assert.equal(ofActivity(fake.calls, 'deliverFirstSlices')[0]?.input.fannedOut, dispatchId);
    const all = events.flatMap((event) => fake.deliveriesOf(event));
    assert.deepEqual(result, expectedResult(all));
    assert.deepEqual(
      [...(hookIds ?? [])].sort(),
      all.map((delivery) => delivery.hookId).sort(),
      'HookIds lists every hook the dispatch delivered to, parked ones too',
    );
  });

  // A run that does not carry on makes a chain of runs that never ends: it fails here, not at the runner's limit.
  it(
    'continues a huge fan-out as new, each run carrying on where each unfinished event stands',
    { timeout: 60_000 },
    async (t) => {
      const hookCounts = { huge: 1_000, large: 1_500, small: 3 };
      const events = eventsOf(hookCounts);
      const fake = fakeFanOut({ hookCounts, hooksPerCall: 50, outcomeOf });
      const { result, workflowId, hookIds } = await dispatch(fake, { ownerId: OWNER, events }, t.signal);

      const runs = [...new Set(fake.calls.map((call) => call.runId))];
      assert.ok(runs.length > 2, `${runs.length} runs`);
      for (const [i, runId] of runs.entries()) {
        const { status } = await env.client.workflow.getHandle(workflowId, runId).describe();
        assert.equal(status.name, i < runs.length - 1 ? 'CONTINUED_AS_NEW' : 'COMPLETED', `run ${i + 1}`);
        const inRun = fake.calls.filter((call) => call.runId === runId);
        if (i > 0) assert.equal(ofActivity(inRun, 'deliverFirstSlices').length, 0, `run ${i + 1} began no event again`);
      }

      // Each event's calls, run after run, form one chain of cursors: a run carries on where the last left it.
      const remaining = ofActivity(fake.calls, 'deliverToSubscribers');
      for (const { eventKey } of events) {
        const chain = remaining.filter((call) => call.input.event.eventKey === eventKey);
        chain
          .slice(1)
          .forEach((call, i) => assert.equal(call.input.afterHookId, chain[i]?.next, `${eventKey}, call ${i + 2}`));
        assert.equal(chain.at(-1)?.next, undefined, `${eventKey} ends with its last hook`);
      }
      // A run carries on exactly the events the run before left with hooks to go.
      const callsIn = (runId: string | undefined) => remaining.filter((call) => call.runId === runId);
      runs.slice(1).forEach((runId, i) => {
        const before = callsIn(runs[i]);
        const unfinished = events
          .map(({ eventKey }) => eventKey)
          .filter((eventKey) => before.findLast((call) => call.input.event.eventKey === eventKey)?.next !== undefined);
        const carried = [...new Set(callsIn(runId).map((call) => call.input.event.eventKey))];
        assert.deepEqual(carried.sort(), unfinished.sort(), `run ${i + 2}`);
      });
      assert.ok(
        runs.some((runId) => new Set(callsIn(runId).map((call) => call.input.event.eventKey)).size > 1),
        'two events carried on side by side',
      );

      const all = events.flatMap((event) => fake.deliveriesOf(event));
      assert.deepEqual(idsOf(fake.delivered), idsOf(all), 'every hook of every event, once over all runs');
      assertHandedOn(fake, all);
      assert.deepEqual(result, expectedResult(all), 'the tally carried through every run');
      assert.equal(hookIds, undefined, 'a run continued as new lists no hooks');
    },
  );

  it('a run given where each event stands (`resume`) delivers only the hooks after it, on top of the carried tally', async (t) => {
    const hookCounts = { first: 900, second: 40 };
    const events = eventsOf(hookCounts);
    const fake = fakeFanOut({ hookCounts, hooksPerCall: 250, outcomeOf });
    const [first, second] = events.map((event) => fake.deliveriesOf(event)) as [FakeDelivery[], FakeDelivery[]];
    const total: DeliverDispatchResult = {
      deliveries: 700,
      succeeded: 640,
      failed: 50,
      parked: 10,
      paced: 0,
      retrying: 45,
      alreadyAttempted: 3,
    };
    const { result } = await dispatch(
      fake,
      {
        ownerId: OWNER,
        events,
        resume: { afterHookIds: [first[599]?.hookId as HookId, second[9]?.hookId as HookId], total },
      },
      t.signal,
    );

    assert.equal(ofActivity(fake.calls, 'deliverFirstSlices').length, 0, 'no event begun again');
    const left = [...first.slice(600), ...second.slice(10)];
    assert.deepEqual(idsOf(fake.delivered), idsOf(left));
    assertHandedOn(fake, left);
    assert.deepEqual(result, expectedResult(left, total));
  });
});
