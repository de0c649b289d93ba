import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../activities';
import type { LanePace, LaneTurn } from '../activities/lane-turn';
import { idOf, type HookId } from '../core/ids';
import { ensureSearchAttributes } from '../infra/temporal-client';
import { signalHookLane } from '../infra/workflow-starters';
import { hookLaneWorkflowId, LANE_SIGNAL, SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import type { hookLane } from '../workflows';
import { eventually } from './support/eventually';
import { startDevServerEnvironment, useTimeSkippingEnvironment, withMockWorkers } from './support/workflow-environment';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How far past its planned time a turn may be scheduled: the worker's turn around, in real time. */
const TURNAROUND_MS = 5_000;

/** One call of the mocked laneTurn: what the lane passed, when the server scheduled it, in which run. */
interface TurnCall {
  hookId: HookId;
  pace: LanePace;
  at: number;
  runId: string;
}

/** What a scripted turn answers, given its call (and the lane's id, to signal it). */
type ScriptedTurn = (call: TurnCall, laneId: string) => LaneTurn | Promise<LaneTurn>;

/** A turn that holds nothing more: the lane ends unless handed more. */
const nothingLeft =
  (notBefore: number): ScriptedTurn =>
  () => ({ stop: false, pace: { notBefore }, sent: 0 });

/**
 * Runs one hook's lane, started as the app starts it (signalHookLane), over a
 * laneTurn that answers `script` in turn; answers the calls and the lane's
 * handle. `whileRunning` runs after the lane started and before its result is
 * awaited (on the time-skipping server, time is skipped only while it is).
 */
async function runLane(
  env: TestWorkflowEnvironment,
  script: ScriptedTurn[],
  signal: AbortSignal,
  whileRunning: (calls: TurnCall[], laneId: string) => Promise<void> = () => Promise.resolve(),
) {
  const hookId = idOf('hook', `hook_${randomBytes(4).toString('hex')}`);
  const laneId = hookLaneWorkflowId({ hookId });
  const calls: TurnCall[] = [];
  const mocks: Pick<Activities, 'laneTurn'> = {
    async laneTurn(input) {
      const { info } = Context.current();
      const call = {
        ...input,
        at: info.currentAttemptScheduledTimestampMs,
        runId: info.workflowExecution?.runId ?? '',
      };
      calls.push(call);
      const turn = script[calls.length - 1];
      if (!turn) throw new Error(`a turn after the last scripted one (${calls.length})`);
      return turn(call, laneId);
    },
  };
  return withMockWorkers(env, mocks, signal, async (taskQueue) => {
    await signalHookLane({ temporal: env.client, taskQueue }, { hookId });
    const handle = env.client.workflow.getHandle<typeof hookLane>(laneId);
    await whileRunning(calls, laneId);
    await handle.result();
    const described = await handle.describe();
    for (const call of calls) assert.equal(call.hookId, hookId, 'every turn is of the lane’s hook');
    return { calls, described };
  });
}

/**
 * The hook lane workflow (workflows/hook-lane.ts) with its one activity
 * mocked: when it takes its turns, what it carries from one to the next, when
 * it ends, and that deliveries handed to it as it ends are not left behind.
 */
describe('hookLane workflow', () => {
  const environment = useTimeSkippingEnvironment();

  it('waits until the turn says, goes again at once when told, carries the pace, and ends when empty', async (t) => {
    const { calls, described } = await runLane(
      environment(),
      [
        (call) => ({ stop: false, wakeAt: call.at + 10 * MINUTE, pace: { notBefore: 1 }, sent: 5 }),
        (call) => ({ stop: false, wakeAt: call.at, pace: { notBefore: 2, perSecond: 2.5 }, sent: 5 }),
        nothingLeft(3),
      ],
      t.signal,
    );
    assert.equal(calls.length, 3);
    const [first, second, third] = calls as [TurnCall, TurnCall, TurnCall];
    assert.deepEqual(
      calls.map((call) => call.pace),
      [{ notBefore: 0 }, { notBefore: 1 }, { notBefore: 2, perSecond: 2.5 }],
      'each turn gets the pace the last one answered',
    );
    const wait = second.at - first.at;
    assert.ok(wait >= 10 * MINUTE && wait < 10 * MINUTE + TURNAROUND_MS, `waited ${wait} ms for the due delivery`);
    assert.ok(third.at - second.at < TURNAROUND_MS, 'a full turn is followed at once');
    assert.equal(described.status.name, 'COMPLETED');
    assert.equal(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.hookId), first.hookId, 'HookId for the Web UI');
  });

  it('stays until its spacing allows the next send, and a second more, before it ends', async (t) => {
    const { calls, described } = await runLane(
      environment(),
      [(call) => ({ stop: false, pace: { notBefore: call.at + 5 * MINUTE }, sent: 1 })],
      t.signal,
    );
    const [turn] = calls as [TurnCall];
    const closedAfter = (described.closeTime?.getTime() ?? 0) - turn.at;
    assert.ok(
      closedAfter >= 5 * MINUTE + 1_000 && closedAfter < 5 * MINUTE + 1_000 + TURNAROUND_MS,
      `closed ${closedAfter} ms after its turn`,
    );
  });

  it('takes deliveries handed to it while it stays in the same run', async (t) => {
    const { calls } = await runLane(
      environment(),
      [(call) => ({ stop: false, pace: { notBefore: call.at + HOUR }, sent: 1 }), nothingLeft(0)],
      t.signal,
      async (seen, laneId) => {
        await eventually(() => assert.equal(seen.length, 1));
        const handle = environment().client.workflow.getHandle(laneId);
        await eventually(async () => {
          const { events } = await handle.fetchHistory();
          assert.ok(
            events?.some((event) => event.timerStartedEventAttributes),
            'the lane stays, on its timer',
          );
        });
        await handle.signal(LANE_SIGNAL);
      },
    );
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.runId, calls[0]?.runId, 'one run');
  });

  it('ends after one turn when it holds nothing', async (t) => {
    const { calls, described } = await runLane(environment(), [nothingLeft(0)], t.signal);
    assert.equal(calls.length, 1);
    assert.equal(described.status.name, 'COMPLETED');
  });

  it('takes another turn when deliveries are handed to it while its last turn found none', async (t) => {
    const { calls } = await runLane(
      environment(),
      [
        async (_call, laneId) => {
          // The fan-out records a delivery and signals while this turn's query has already come back empty.
          await environment().client.workflow.getHandle(laneId).signal(LANE_SIGNAL);
          return { stop: false, pace: { notBefore: 0 }, sent: 0 };
        },
        nothingLeft(0),
      ],
      t.signal,
    );
    assert.equal(calls.length, 2, 'the delivery handed in as the lane was ending got its turn');
  });

  it('is woken by a signal before the due time of what it holds', async (t) => {
    const { calls } = await runLane(
      environment(),
      [(call) => ({ stop: false, wakeAt: call.at + HOUR, pace: { notBefore: 0 }, sent: 1 }), nothingLeft(0)],
      t.signal,
      async (seen, laneId) => {
        await eventually(() => assert.equal(seen.length, 1));
        const handle = environment().client.workflow.getHandle(laneId);
        // Once the turn is on record the lane waits; the signal comes while it does.
        await eventually(async () => {
          const { events } = await handle.fetchHistory();
          assert.ok(
            events?.some((event) => event.timerStartedEventAttributes),
            'the lane waits on its timer',
          );
        });
        await handle.signal(LANE_SIGNAL);
      },
    );
    assert.equal(calls.length, 2);
    const [first, second] = calls as [TurnCall, TurnCall];
    assert.ok(second.at - first.at < HOUR, `woken after ${second.at - first.at} ms, not at the hour`);
  });

  it('stops when the turn finds its hook off', async (t) => {
    const { calls, described } = await runLane(
      environment(),
      [(call) => ({ stop: true, wakeAt: call.at, pace: { notBefore: 0 }, sent: 0 })],
      t.signal,
    );
    assert.equal(calls.length, 1);
    assert.equal(described.status.name, 'COMPLETED');
  });
});

/** The test server never suggests continuing as new; a dev server of its own does, after this many events. */
const SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS = 40;

describe('hookLane workflow, continuing as new', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startDevServerEnvironment({ suggestContinueAsNewAfterEvents: SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS });
    await ensureSearchAttributes(env.client);
  });
  after(async () => {
    await env?.teardown();
  });

  it('carries its pace into the next run, turn after turn, and ends in the last', async (t) => {
    const TURNS = 30;
    const script: ScriptedTurn[] = Array.from({ length: TURNS }, (_, i) =>
      i === TURNS - 1
        ? nothingLeft(TURNS)
        : (call) => ({ stop: false, wakeAt: call.at, pace: { notBefore: i + 1 }, sent: 1 }),
    );
    const { calls, described } = await runLane(env, script, t.signal);
    assert.equal(calls.length, TURNS);
    assert.deepEqual(
      calls.map((call) => call.pace.notBefore),
      Array.from({ length: TURNS }, (_, i) => i),
      'every turn, in whichever run, gets the pace of the turn before',
    );
    const runs = new Set(calls.map((call) => call.runId));
    assert.ok(runs.size > 1, `continued as new (${runs.size} runs)`);
    assert.equal(described.status.name, 'COMPLETED');
  });
});
