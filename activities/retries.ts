import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../core/concurrency';
import type { DeliveryId } from '../core/ids';
import { startFailedDeliveryWorkflow, startRetryWorkflow } from '../infra/workflow-starters';
import type { HandOffs } from './first-attempts';
import { startDisabling, type AttemptLater } from './later-attempts';
import type { NextStep } from './retry-plan';

/** Workflows handOnFailures starts at once. */
const STARTS_IN_FLIGHT = 10;

export function createRetryActivities({ temporal, attemptLater }: { temporal: Client; attemptLater: AttemptLater }) {
  return {
    /**
     * Hands failures on: each retryable delivery to its own retry workflow,
     * each delivery that failed for good to its record in the Web UI, each hook
     * past its failure threshold to the workflow that disables it. The
     * workflow ids make a retried call start nothing twice.
     */
    async handOnFailures(input: HandOffs): Promise<void> {
      const starts = { temporal, taskQueue: Context.current().info.taskQueue };
      // A few starts at once: one after another, a thousand took seconds of round trips.
      await mapWithConcurrency(input.retries, STARTS_IN_FLIGHT, ({ delayMs, lastError, ...delivery }) =>
        startRetryWorkflow(starts, { delivery, delayMs, ...(lastError ? { lastError } : {}), mode: 'new' }),
      );
      await mapWithConcurrency(input.failures, STARTS_IN_FLIGHT, ({ failureReason, ...delivery }) =>
        startFailedDeliveryWorkflow(starts, { delivery, failureReason }),
      );
      await startDisabling(temporal, input.hooksToDisable, starts.taskQueue);
    },

    /** One more attempt of a retrying delivery, recorded, with what comes next. */
    attemptDelivery(input: { deliveryId: DeliveryId }): Promise<NextStep> {
      return attemptLater(input.deliveryId, Context.current().info.taskQueue, { inRetryWorkflow: true });
    },
  };
}
