import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { Activities } from '../activities';
import { idOf } from '../core/ids';
import { DELIVERY_FAILED, FAILED_DELIVERY_WORKFLOW, failedDeliveryWorkflowId } from '../shared/temporal-names';
import type { failedDelivery } from '../workflows';
import { useTimeSkippingEnvironment, withMockWorkers } from './support/workflow-environment';

/**
 * failedDelivery puts a delivery that failed for good on its first attempt on
 * record in the Web UI: it must fail (not complete) with the typed reason, so
 * the UI's failure views list it, having announced the give-up
 * (hookflow.delivery.exhausted) and called nothing else.
 */
describe('failedDelivery workflow', () => {
  const environment = useTimeSkippingEnvironment();

  it('announces the give-up, then fails with DeliveryFailed and the reason, and does nothing else', async (t) => {
    const deliveryId = idOf('delivery', `delivery-${randomBytes(4).toString('hex')}`);
    const failureReason = 'Not retried: HTTP 410';
    const called: string[] = [];
    // Any other activity fails the call, and says it was made.
    const mocks: Pick<Activities, 'attemptDelivery' | 'announceDeliveryExhausted'> = {
      attemptDelivery() {
        called.push('attemptDelivery');
        throw ApplicationFailure.nonRetryable('failedDelivery called an activity', 'UnexpectedAttempt');
      },
      announceDeliveryExhausted(input) {
        called.push(`announceDeliveryExhausted ${input.deliveryId}`);
        return Promise.resolve();
      },
    };
    await withMockWorkers(environment(), mocks, t.signal, async (taskQueue) => {
      const handle = await environment().client.workflow.start<typeof failedDelivery>(FAILED_DELIVERY_WORKFLOW, {
        taskQueue,
        workflowId: failedDeliveryWorkflowId(deliveryId),
        args: [{ deliveryId, failureReason }],
      });
      const error = await handle.result().then(
        () => assert.fail('the workflow completed'),
        (reason: unknown) => reason,
      );
      assert.ok(error instanceof WorkflowFailedError, String(error));
      assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
      assert.equal(error.cause.type, DELIVERY_FAILED);
      assert.equal(error.cause.message, failureReason);
      assert.equal(error.cause.nonRetryable, true);
      assert.equal((await handle.describe()).status.name, 'FAILED');
    });
    assert.deepEqual(called, [`announceDeliveryExhausted ${deliveryId}`]);
  });
});
