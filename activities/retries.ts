import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { eventView } from '../domain/events';
import { disableHookFor } from '../domain/hooks';
import type { Models } from '../domain/models';
import type { SecretBox } from '../domain/secret-box';
import { SEARCH_ATTRIBUTES } from '../domain/temporal-names';
import { prepareHook } from './prepare-hook';
import { nextStep, type NextStep } from './retry-plan';
import type { Target } from './targets/target';

export interface RetryDependencies {
  models: Models;
  secrets: SecretBox;
  targets: Record<string, Target>;
  temporal: Client;
}

/** The MongoDB update that records an attempt and where the delivery goes next. */
export function recordAttemptUpdate(step: NextStep, attempt: object, now: number) {
  return {
    $set: {
      status: step.status,
      ...(step.delayMs !== undefined ? { nextAttemptAt: new Date(now + step.delayMs) } : {}),
      ...(step.failureReason ? { failureReason: step.failureReason } : {}),
    },
    ...(step.delayMs === undefined ? { $unset: { nextAttemptAt: 1 } } : {}),
    $push: { attempts: attempt },
  };
}

export function createRetryActivities({ models, secrets, targets, temporal }: RetryDependencies) {
  return {
    /**
     * Hands failed deliveries to their own retry workflows. The workflow id is
     * the delivery's, so a retried activity never starts a second chain.
     */
    async startRetries(input: { retries: { deliveryId: string; hookId: string; delayMs: number }[]; eventId: string }) {
      const event = await models.Event.findById(input.eventId, { ownerId: 1, type: 1 }).lean();
      if (!event) return;
      const taskQueue = Context.current().info.taskQueue;
      for (const retry of input.retries) {
        try {
          await temporal.workflow.start('retryDelivery', {
            workflowId: `delivery:${retry.deliveryId}`,
            taskQueue,
            args: [{ deliveryId: retry.deliveryId, delayMs: retry.delayMs }],
            typedSearchAttributes: [
              { key: SEARCH_ATTRIBUTES.hookId, value: retry.hookId },
              { key: SEARCH_ATTRIBUTES.ownerId, value: event.ownerId },
              { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
              { key: SEARCH_ATTRIBUTES.deliveryStatus, value: 'retrying' },
            ],
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
    },

    /** One more attempt of a retrying delivery, recorded, with what comes next. */
    async attemptDelivery(input: { deliveryId: string }): Promise<NextStep> {
      const delivery = await models.Delivery.findById(input.deliveryId).lean();
      if (!delivery || delivery.status !== 'retrying') return { status: delivery?.status ?? 'cancelled' };
      const hook = await models.Hook.findById(delivery.hookId).lean();
      if (!hook || hook.status !== 'enabled') {
        // Parked, not dropped: enabling the hook again picks it up.
        const step: NextStep = hook
          ? { status: 'paused', failureReason: `Hook disabled: ${hook.disabledReason ?? 'by its owner'}` }
          : { status: 'cancelled', failureReason: 'The hook was deleted' };
        await models.Delivery.updateOne(
          { _id: delivery._id, status: 'retrying' },
          { $set: { status: step.status, failureReason: step.failureReason }, $unset: { nextAttemptAt: 1 } },
        );
        return step;
      }
      const event = await models.Event.findById(delivery.eventId).lean();
      if (!event) return { status: 'cancelled', failureReason: 'The event no longer exists' };
      const target = targets[hook.target.type];
      if (!target) throw new Error(`No target module for type ${hook.target.type}`);

      const result = await target.send({
        deliveryId: delivery._id,
        event: eventView(event),
        hook: prepareHook(hook, secrets, new Date()),
      });
      const step = nextStep(result, hook.delivery.retrySchedule, delivery.attempts.length + 1);
      await models.Delivery.updateOne({ _id: delivery._id }, recordAttemptUpdate(step, result.attempt, Date.now()));
      if (result.disableHook) await disableHookFor(models, hook._id, result.disableHook);
      return step;
    },
  };
}
