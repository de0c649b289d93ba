import type { Client } from '@temporalio/client';
import { eventView } from '../core/stored-events';
import { deliveryId, eventKey, type DeliveryId } from '../core/ids';
import type { Models } from '../infra/models';
import { startHookDisablingWorkflow } from '../infra/workflow-starters';
import { heldStep, laterAttemptUpdate, parkedStep } from './delivery-records';
import type { HostBreaker } from './host-breaker';
import { recordStreaks, type HookToDisable } from './failure-streak';
import type { HookSender } from './hook-sender';
import { nextStep, type NextStep } from './retry-plan';

export interface LaterAttemptDependencies {
  models: Models;
  sender: HookSender;
  hostBreaker: HostBreaker;
  temporal: Client;
}

/** Starts the workflows that switch these hooks off and tell their owners. */
export function startDisabling(temporal: Client, hooks: HookToDisable[], taskQueue: string) {
  return Promise.all(hooks.map((hook) => startHookDisablingWorkflow({ temporal, taskQueue }, hook)));
}

/**
 * One more attempt of a delivery that is `retrying`, recorded, with what comes
 * next: a retry's next attempt, or a resumed delivery's first since its hook
 * came back. A delivery whose hook is off again is kept, paused; one to a host
 * the breaker paused waits for the pause to end, no attempt spent.
 */
export function createLaterAttempt({ models, sender, hostBreaker, temporal }: LaterAttemptDependencies) {
  return async function attemptLater(id: DeliveryId, taskQueue: string): Promise<NextStep> {
    const delivery = await models.Delivery.findById(id).lean();
    if (!delivery || delivery.status !== 'retrying') return { status: delivery?.status ?? 'cancelled' };
    const hook = await models.Hook.findById(delivery.hookId).lean();
    if (!hook || hook.status !== 'enabled') {
      const step: NextStep = hook ? parkedStep(hook) : { status: 'cancelled', failureReason: 'The hook was deleted' };
      await models.Delivery.updateOne(
        { _id: delivery._id, status: 'retrying' },
        { $set: { status: step.status, failureReason: step.failureReason }, $unset: { nextAttemptAt: 1 } },
      );
      return step;
    }
    const event = await models.Event.findById(eventKey(delivery.ownerId, delivery.eventId)).lean();
    if (!event) return { status: 'cancelled', failureReason: 'The event no longer exists' };
    const targetHost = sender.hostOf(hook);
    const heldUntil = hostBreaker.pausedUntil(targetHost);
    if (targetHost && heldUntil) {
      const step = heldStep(targetHost, heldUntil, Date.now());
      await models.Delivery.updateOne({ _id: delivery._id }, laterAttemptUpdate(step, undefined, Date.now()));
      return step;
    }
    const settings = sender.settingsOf(hook);
    const result = await sender.send(hook, deliveryId(delivery.eventId, delivery.hookId), eventView(event));
    hostBreaker.noteOutcome(targetHost, result.outcome);
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
    await startDisabling(temporal, toDisable, taskQueue);
    return step;
  };
}

export type AttemptLater = ReturnType<typeof createLaterAttempt>;
