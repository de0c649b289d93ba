import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../core/concurrency';
import { eventView } from '../core/stored-events';
import { deliveryId, eventKey, type DeliveryId, type HookId } from '../core/ids';
import type { Models } from '../infra/models';
import { startHookDisablingWorkflow, startRetryWorkflow } from '../infra/workflow-starters';
import { laterAttemptUpdate } from './delivery-records';
import type { RetryHandOff } from './first-attempts';
import { recordStreaks, type HookToDisable } from './failure-streak';
import type { HookSender } from './hook-sender';
import { nextStep, type NextStep } from './retry-plan';

/** Retry workflows handOnFailures starts at once. */
const STARTS_IN_FLIGHT = 10;

export interface RetryDependencies {
  models: Models;
  sender: HookSender;
  temporal: Client;
}

export function createRetryActivities({ models, sender, temporal }: RetryDependencies) {
  function startDisabling(hooks: HookToDisable[], taskQueue: string) {
    return Promise.all(hooks.map((hook) => startHookDisablingWorkflow({ temporal, taskQueue }, hook)));
  }

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
      await startDisabling(input.hooksToDisable, taskQueue);
    },

    /**
     * Puts up to `limit` of a hook's paused deliveries, oldest first, back on
     * their retry schedule, starting over. Each claimed delivery carries the
     * page's `claim`, so that a retry of this activity after a crash between a
     * claim and its workflow start still starts that workflow. Answers how many
     * this page claimed.
     */
    async resumePausedPage(input: { hookId: HookId; limit: number; claim: string }): Promise<number> {
      const hook = await models.Hook.findById(input.hookId, { status: 1 }).lean();
      if (hook?.status !== 'enabled') return 0;
      const fields = { _id: 1, hookId: 1, ownerId: 1, attempts: 1 };
      const claimedEarlier = await models.Delivery.find(
        { hookId: input.hookId, status: 'retrying', resumeClaim: input.claim },
        fields,
      ).lean();
      // A paused delivery a replay already does again stays as it is: resuming it would send it twice.
      const resumable = { hookId: input.hookId, status: 'paused' as const, supersededBy: null };
      const paused = await models.Delivery.find(resumable, fields)
        .sort({ createdAt: 1, _id: 1 })
        .limit(input.limit - claimedEarlier.length)
        .lean();
      const claimedNow = [];
      for (const delivery of paused) {
        const claimed = await models.Delivery.updateOne(
          { ...resumable, _id: delivery._id },
          {
            $set: {
              status: 'retrying',
              nextAttemptAt: new Date(),
              attemptsBeforeResume: delivery.attempts.length,
              resumeClaim: input.claim,
            },
            $unset: { failureReason: 1 },
          },
        );
        if (claimed.modifiedCount === 1) claimedNow.push(delivery);
      }
      const taskQueue = Context.current().info.taskQueue;
      for (const delivery of [...claimedEarlier, ...claimedNow]) {
        const resumed = { deliveryId: delivery._id, hookId: delivery.hookId, ownerId: delivery.ownerId };
        await startRetryWorkflow({ temporal, taskQueue }, { delivery: resumed, delayMs: 0, mode: 'resume' });
      }
      return claimedEarlier.length + paused.length;
    },

    /** One more attempt of a retrying delivery, recorded, with what comes next. */
    async attemptDelivery(input: { deliveryId: DeliveryId }): Promise<NextStep> {
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
      const event = await models.Event.findById(eventKey(delivery.ownerId, delivery.eventId)).lean();
      if (!event) return { status: 'cancelled', failureReason: 'The event no longer exists' };
      const settings = sender.settingsOf(hook);
      const result = await sender.send(hook, deliveryId(delivery.eventId, delivery.hookId), eventView(event));
      const attemptsMade = delivery.attempts.length + 1 - (delivery.attemptsBeforeResume ?? 0);
      const step = nextStep(result, settings, attemptsMade);
      await models.Delivery.updateOne({ _id: delivery._id }, laterAttemptUpdate(step, result.attempt, Date.now()));
      const toDisable = await recordStreaks(models, [
        {
          hookId: hook._id,
          disableAfter: settings.disableAfter,
          failureCountBefore: hook.failureCount,
          succeeded: step.status === 'succeeded',
          disableHook: result.disableHook,
        },
      ]);
      await startDisabling(toDisable, Context.current().info.taskQueue);
      return step;
    },
  };
}
