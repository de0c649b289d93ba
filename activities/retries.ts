import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../core/concurrency';
import type { DeliveryId } from '../core/ids';
import { startRetryWorkflow } from '../infra/workflow-starters';
import type { RetryHandOff } from './first-attempts';
import type { HookToDisable } from './failure-streak';
import { startDisabling, type AttemptLater } from './later-attempts';
import type { NextStep } from './retry-plan';

/** Retry workflows handOnFailures starts at once. */
const STARTS_IN_FLIGHT = 10;

export function createRetryActivities({ temporal, attemptLater }: { temporal: Client; attemptLater: AttemptLater }) {
  return {
    /**
     * Hands failures on: each retryable delivery to its own retry workflow, each
     * hook past its failure threshold to the workflow that disables it. The
     * workflow ids make a retried call start nothing twice.
     */
    async handOnFailures(input: { retries: RetryHandOff[]; hooksToDisable: HookToDisable[] }): Promise<void> {
      const taskQueue = Context.current().info.taskQueue;
      // A few starts at once: one after another, a thousand took seconds of round trips.
      await mapWithConcurrency(input.retries, STARTS_IN_FLIGHT, (retry) =>
        startRetryWorkflow({ temporal, taskQueue }, { delivery: retry, delayMs: retry.delayMs, mode: 'new' }),
      );
      await startDisabling(temporal, input.hooksToDisable, taskQueue);
    },

    /** One more attempt of a retrying delivery, recorded, with what comes next. */
    attemptDelivery(input: { deliveryId: DeliveryId }): Promise<NextStep> {
      return attemptLater(input.deliveryId, Context.current().info.taskQueue);
    },
  };
}
