import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import type { Activities } from '../activities';
import type { NextStep } from '../activities/retry-plan';
import { idOf } from '../core/ids';
import { DELIVERY_FAILED, deliveryWorkflowId, RETRY_WORKFLOW, SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import type { retryDelivery } from '../workflows';
import { useTimeSkippingEnvironment, withMockWorkers } from './support/workflow-environment';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How far past its timer an attempt may be scheduled: the worker's turn around, in real time. */
const TURNAROUND_MS = 5_000;

/**
 * retryDelivery on the time-skipping test server, with a scripted
 * attemptDelivery: the loop's waits are Temporal timers, so a schedule of
 * hours is skipped through, and each wait is read off the server's clock (when
 * each attempt was scheduled).
 */
describe('retryDelivery workflow', () => {
  const environment = useTimeSkippingEnvironment();

  /**
   * Runs retryDelivery for one delivery whose attempts answer `steps` in turn;
   * answers its result, the server time it started at, when each attempt was
   * scheduled, and its DeliveryStatus search attribute and current details
   * (its Web UI page's) at the end; every attempt must be of that delivery.
   */
  async function retry(delayMs: number, steps: NextStep[], signal: AbortSignal) {
    const deliveryId = idOf('delivery', `delivery-${randomBytes(4).toString('hex')}`);
    const left = [...steps];
    const attemptsAt: number[] = [];
    const attemptedIds: string[] = [];
    const announced: string[] = [];
    const mocks: Pick<Activities, 'attemptDelivery' | 'announceDeliveryExhausted'> = {
      announceDeliveryExhausted(input) {
        announced.push(input.deliveryId);
        return Promise.resolve();
      },
      attemptDelivery(input) {
        attemptedIds.push(input.deliveryId);
        attemptsAt.push(Context.current().info.currentAttemptScheduledTimestampMs);
        const step = left.shift();
        // Non-retryable, so that an attempt the loop should not have made fails the workflow instead of retrying forever.
        if (!step) throw ApplicationFailure.nonRetryable('an attempt after the last step', 'UnexpectedAttempt');
        return Promise.resolve(step);
      },
    };
    return withMockWorkers(environment(), mocks, signal, async (taskQueue) => {
      const handle = await environment().client.workflow.start<typeof retryDelivery>(RETRY_WORKFLOW, {
        taskQueue,
        workflowId: deliveryWorkflowId(deliveryId),
        args: [{ deliveryId, delayMs }],
      });
      const result = await handle.result().catch((error: unknown) => {
        // A delivery that gives up fails its workflow, for the Web UI's failure views.
        assert.ok(error instanceof WorkflowFailedError, String(error));
        assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
        return error.cause;
      });
      const described = await handle.describe();
      // The SDK's built-in query answers the details setCurrentDetails last set.
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      assert.deepEqual(new Set(attemptedIds), new Set([deliveryId]), 'every attempt is of the delivery given');
      const gaveUp = described.status.name === 'FAILED';
      assert.deepEqual(announced, gaveUp ? [deliveryId] : [], 'a give-up, and only a give-up, is announced once');
      return {
        result,
        workflowStatus: described.status.name,
        startedAt: described.startTime.getTime(),
        attemptsAt,
        status: described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.deliveryStatus),
        details: metadata.currentDetails,
      };
    });
  }

  /** The waits before each attempt: from the start to the first, then between attempts. */
  function waitsOf({ startedAt, attemptsAt }: { startedAt: number; attemptsAt: number[] }): number[] {
    return attemptsAt.map((at, i) => at - (i === 0 ? startedAt : (attemptsAt[i - 1] as number)));
  }

  function assertWaits(actual: number[], expected: number[]) {
    assert.equal(actual.length, expected.length, `waits ${actual.join(', ')} ms`);
    actual.forEach((wait, i) => {
      const planned = expected[i] as number;
      assert.ok(wait >= planned && wait < planned + TURNAROUND_MS, `wait ${i + 1}: ${wait} ms, planned ${planned}`);
    });
  }

  it('waits the first delay, then before each attempt what the last one asked, until one succeeds', async (t) => {
    const steps: NextStep[] = [
      { status: 'retrying', delayMs: 30 * MINUTE, lastError: 'HTTP 503' },
      { status: 'retrying', delayMs: 2 * HOUR },
      { status: 'succeeded' },
    ];
    const started = Date.now();
    const run = await retry(5 * MINUTE, steps, t.signal);
    assert.equal(run.result, 'succeeded');
    assertWaits(waitsOf(run), [5 * MINUTE, 30 * MINUTE, 2 * HOUR]);
    assert.equal(run.status, 'succeeded', 'DeliveryStatus follows the last attempt');
    assert.ok(Date.now() - started < MINUTE, 'two and a half hours of waits are skipped through');
  });

  it('says on its page what the last attempt came to while it waits for the next', async (t) => {
    // The second attempt waits ten hours of test-server time: the query below is answered while it does.
    const deliveryId = idOf('delivery', `delivery-${randomBytes(4).toString('hex')}`);
    const steps: NextStep[] = [{ status: 'retrying', delayMs: 10 * HOUR, lastError: 'HTTP 502' }];
    const mocks: Pick<Activities, 'attemptDelivery'> = {
      attemptDelivery: () => Promise.resolve(steps.shift() ?? { status: 'succeeded' }),
    };
    await withMockWorkers(environment(), mocks, t.signal, async (taskQueue) => {
      const handle = await environment().client.workflow.start<typeof retryDelivery>(RETRY_WORKFLOW, {
        taskQueue,
        workflowId: deliveryWorkflowId(deliveryId),
        args: [{ deliveryId, delayMs: MINUTE }],
      });
      await environment().sleep(2 * MINUTE);
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      assert.equal(metadata.currentDetails, 'Retrying after: HTTP 502');
      const described = await handle.describe();
      assert.equal(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.deliveryStatus), 'retrying');
      assert.equal(await handle.result(), 'succeeded');
    });
  });

  it('stops after an attempt that answers cancelled, and says so in DeliveryStatus', async (t) => {
    const run = await retry(MINUTE, [{ status: 'retrying', delayMs: 10 * HOUR }, { status: 'cancelled' }], t.signal);
    assert.equal(run.result, 'cancelled');
    assert.equal(run.workflowStatus, 'COMPLETED');
    assertWaits(waitsOf(run), [MINUTE, 10 * HOUR]);
    assert.equal(run.status, 'cancelled');
    assert.equal(run.details, 'cancelled');
  });

  it('clears DeliveryStatus when it hands the delivery on to a resume, which runs a workflow of its own', async (t) => {
    const failureReason = 'Its hook was disabled';
    const run = await retry(MINUTE, [{ status: 'paused', failureReason }], t.signal);
    assert.equal(run.result, 'paused');
    assert.equal(run.workflowStatus, 'COMPLETED');
    assert.equal(run.status, undefined, 'a closed run says nothing of where the delivery stands later');
    assert.equal(run.details, `Paused: ${failureReason}; resumed when it is enabled`);
  });

  it("clears DeliveryStatus when it hands the delivery on to its hook's lane", async (t) => {
    const run = await retry(MINUTE, [{ status: 'retrying' }], t.signal);
    assert.equal(run.result, 'retrying');
    assert.equal(run.workflowStatus, 'COMPLETED');
    assert.equal(run.status, undefined);
    assert.equal(run.details, "Handed to its hook's lane, which sends it from now on");
  });

  it('fails the workflow with DeliveryFailed and the reason when the delivery gives up', async (t) => {
    const failureReason = 'Gave up after 2 attempts; last: HTTP 503';
    const run = await retry(
      MINUTE,
      [
        { status: 'retrying', delayMs: 10 * HOUR },
        { status: 'failed', failureReason },
      ],
      t.signal,
    );
    assert.equal(run.workflowStatus, 'FAILED', 'the Web UI lists it among failed workflows');
    assert.ok(run.result instanceof ApplicationFailure);
    assert.equal(run.result.type, DELIVERY_FAILED);
    assert.equal(run.result.message, failureReason);
    assert.equal(run.result.nonRetryable, true);
    assertWaits(waitsOf(run), [MINUTE, 10 * HOUR]);
    assert.equal(run.status, 'failed', 'and DeliveryStatus still says why it is there');
    assert.equal(run.details, `failed: ${failureReason}`);
  });
});
