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
 * the UI's failure views list it, and call no activity.
 */
describe('failedDelivery workflow', () => {
  const environment = useTimeSkippingEnvironment();

  it('fails at once with DeliveryFailed and the reason, and does nothing else', async (t) => {
    const deliveryId = idOf('delivery', `delivery-${randomBytes(4).toString('hex')}`);
    const failureReason = 'Not retried: HTTP 410';
    const called: string[] = [];
    // The workers need an activity to serve: this one fails any call, and says it was made.
    const mocks: Pick<Activities, 'attemptDelivery'> = {
      attemptDelivery() {
        called.push('attemptDelivery');
        throw ApplicationFailure.nonRetryable('failedDelivery called an activity', 'UnexpectedAttempt');
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
    assert.deepEqual(called, []);
  });
});
