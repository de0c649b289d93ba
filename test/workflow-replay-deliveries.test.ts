import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Activities } from '../activities';
import type { ReplayPageOutcome } from '../activities/replays';
import { idOf } from '../core/ids';
import { REPLAY_WORKFLOW, replayWorkflowId } from '../shared/temporal-names';
import type { replayDeliveries, ReplayInput } from '../workflows/replay-deliveries';
import { eventually } from './support/eventually';
import { useTimeSkippingEnvironment, withMockWorkers } from './support/workflow-environment';

const { EventType } = temporal.api.enums.v1;

type ReplayActivities = Pick<Activities, 'replayPage' | 'handOnFailures' | 'finishReplay'>;

/**
 * A page of `sent` deliveries, `failing` of them handed back for retry and
 * `failedForGood` to be put on record as failed, carrying on at `next`.
 */
function page(sent: number, failing: number, next?: string, failedForGood = 0): ReplayPageOutcome {
  const handOff = (i: number) => ({
    deliveryId: idOf('delivery', `${next ?? 'last'}-${i}`),
    hookId: idOf('hook', 'hook'),
    ownerId: idOf('owner', 'owner'),
    eventType: 'fake',
    summary: 'fake',
  });
  const retries = Array.from({ length: failing }, (_, i) => ({ ...handOff(i), delayMs: 5_000 }));
  const failures = Array.from({ length: failedForGood }, (_, i) => ({
    ...handOff(failing + i),
    failureReason: 'Not retried: HTTP 400',
  }));
  return { sent, retries, failures, hooksToDisable: [], next };
}

/**
 * replayDeliveries on the time-skipping test server (its second between
 * pages is skipped through), with its activities mocked: the pages it asks
 * for, what it hands on, how it closes the replay, and what a cancel stops.
 */
describe('replayDeliveries workflow', () => {
  const environment = useTimeSkippingEnvironment();

  /**
   * Mocks that answer `pages` by cursor (`undefined` for the first) and log
   * every call; `onPage` runs inside a page's call before it answers.
   */
  function replayMocks(pages: Map<string | undefined, ReplayPageOutcome>, onPage?: (cursor?: string) => Promise<void>) {
    const asked: { replayId: string; cursor?: string; limit: number; at: number }[] = [];
    const handedOn: Parameters<ReplayActivities['handOnFailures']>[0][] = [];
    const finished: Parameters<ReplayActivities['finishReplay']>[0][] = [];
    const activities: ReplayActivities = {
      async replayPage({ replayId, cursor, limit }) {
        asked.push({ replayId, cursor, limit, at: Context.current().info.currentAttemptScheduledTimestampMs });
        await onPage?.(cursor);
        const answer = pages.get(cursor);
        // Non-retryable, so that a page the workflow should not have asked for fails it instead of retrying forever.
        if (!answer) throw ApplicationFailure.nonRetryable(`no page at ${cursor}`, 'UnexpectedPage');
        return answer;
      },
      handOnFailures(input) {
        handedOn.push(input);
        return Promise.resolve();
      },
      finishReplay(input) {
        finished.push(input);
        return Promise.resolve();
      },
    };
    return { activities, asked, handedOn, finished };
  }

  async function replay(activities: ReplayActivities, input: ReplayInput, signal: AbortSignal) {
    return withMockWorkers(environment(), activities, signal, async (taskQueue) => {
      const handle = await environment().client.workflow.start<typeof replayDeliveries>(REPLAY_WORKFLOW, {
        taskQueue,
        workflowId: replayWorkflowId(input.replayId),
        args: [input],
      });
      const outcome = await handle.result().then(
        () => 'completed' as const,
        (error: unknown) => error,
      );
      return { outcome, status: (await handle.describe()).status.name };
    });
  }

  const newReplayId = () => idOf('replay', `replay-${randomBytes(4).toString('hex')}`);

  it("asks for its pages in turn, a second's worth a second apart, hands each page's failures on and completes the replay", async (t) => {
    const pages = new Map([
      [undefined, page(7, 2, 'c1')],
      ['c1', page(7, 0, 'c2', 1)],
      ['c2', page(3, 1)],
    ]);
    const mocks = replayMocks(pages);
    const replayId = newReplayId();
    const { outcome } = await replay(mocks.activities, { replayId, ratePerSecond: 7 }, t.signal);

    assert.equal(outcome, 'completed');
    assert.deepEqual(
      mocks.asked.map(({ at: _, ...asked }) => asked),
      [
        { replayId, cursor: undefined, limit: 7 },
        { replayId, cursor: 'c1', limit: 7 },
        { replayId, cursor: 'c2', limit: 7 },
      ],
    );
    mocks.asked.slice(1).forEach(({ at }, i) => {
      const wait = at - (mocks.asked[i]?.at as number);
      assert.ok(wait >= 1_000, `page ${i + 2} came ${wait} ms after the one before`);
    });
    assert.deepEqual(
      mocks.handedOn,
      [...pages.values()]
        .filter((p) => p.retries.length + p.failures.length > 0)
        .map(({ retries, failures, hooksToDisable }) => ({ retries, failures, hooksToDisable })),
      'the failures of each page that had some, a page whose only failure is for good too',
    );
    assert.deepEqual(mocks.finished, [{ replayId, status: 'completed' }]);
  });

  it('a run given a cursor (as it continues as new) carries on from it', async (t) => {
    const mocks = replayMocks(new Map([['c5', page(2, 0)]]));
    const replayId = newReplayId();
    const { outcome } = await replay(mocks.activities, { replayId, ratePerSecond: 10, cursor: 'c5' }, t.signal);
    assert.equal(outcome, 'completed');
    assert.deepEqual(
      mocks.asked.map(({ cursor }) => cursor),
      ['c5'],
    );
    assert.deepEqual(mocks.finished, [{ replayId, status: 'completed' }]);
  });

  it('cancelled mid-way, it asks for no further page and closes the replay as cancelled', async (t) => {
    const pages = new Map([
      [undefined, page(5, 1, 'c1')],
      ['c1', page(5, 0, 'c2')],
      ['c2', page(5, 0)],
    ]);
    // The cancel comes while the second page is being delivered, and the page answers (with a next page)
    // only once the workflow has taken the cancel in: answering sooner made the test server refuse the
    // workflow's cancel of a page that had just answered (ACTIVITY_UNKNOWN), task after task.
    const mocks = replayMocks(pages, async (cursor) => {
      if (cursor !== 'c1') return;
      const handle = environment().client.workflow.getHandle(
        Context.current().info.workflowExecution?.workflowId ?? '',
      );
      await handle.cancel();
      await eventually(async () => {
        const { events } = await handle.fetchHistory();
        const requested = (events ?? []).findIndex(
          (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
        );
        assert.ok(
          requested >= 0 &&
            (events ?? []).slice(requested).some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
        );
      });
    });
    const replayId = newReplayId();
    const { outcome, status } = await replay(mocks.activities, { replayId, ratePerSecond: 5 }, t.signal);

    assert.ok(outcome instanceof WorkflowFailedError && outcome.cause instanceof CancelledFailure, String(outcome));
    assert.equal(status, 'CANCELLED');
    assert.deepEqual(
      mocks.asked.map(({ cursor }) => cursor),
      [undefined, 'c1'],
      'no page after the cancel',
    );
    assert.deepEqual(mocks.finished, [{ replayId, status: 'cancelled' }], 'closed as cancelled, once');
    assert.deepEqual(
      mocks.handedOn.map((h) => h.retries),
      [pages.get(undefined)?.retries],
    );
  });
});
