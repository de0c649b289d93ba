import type { Client } from '@temporalio/client';
import { eventView } from '../core/stored-events';
import { deliveryId, eventKey, type DeliveryId } from '../core/ids';
import { isPaced } from '../core/pacing';
import type { Models } from '../infra/models';
import type { Delivery } from '../infra/models/delivery';
import type { Hook } from '../infra/models/hook';
import { startFailedDeliveryWorkflow, startHookDisablingWorkflow } from '../infra/workflow-starters';
import { deliverySummary } from './delivery-summary';
import type { AttemptResult } from '../targets/contract';
import { heldStep, laterAttemptUpdate, parkedStep } from './delivery-records';
import type { HostBreaker } from './host-breaker';
import { recordStreaks, type HookToDisable } from './failure-streak';
import { isOperational } from '../core/operational-events';
import type { AnnounceFailing } from './operational-events';
import type { HookSender } from './hook-sender';
import { laneOf, type HandToLanes } from './lane-hand-off';
import { nextStep, type NextStep } from './retry-plan';
import { throttleHooksAsked } from './throttling';
import type { TellWatchers } from './attempt-watchers';

export interface LaterAttemptDependencies {
  models: Models;
  sender: HookSender;
  hostBreaker: HostBreaker;
  temporal: Client;
  handToLanes: HandToLanes;
  /** Hears of each attempt once it is on record (activities/attempt-watchers.ts). */
  tellWatchers: TellWatchers;
  /** Tells of hooks whose streak passed half their threshold (activities/operational-events.ts). */
  announceFailing: AnnounceFailing;
}

/** Starts the workflows that switch these hooks off and tell their owners. */
export function startDisabling(temporal: Client, hooks: HookToDisable[], taskQueue: string) {
  return Promise.all(hooks.map((hook) => startHookDisablingWorkflow({ temporal, taskQueue }, hook)));
}

/** What sending a delivery again reads of it. */
export type LaterDelivery = Pick<
  Delivery,
  '_id' | 'eventId' | 'hookId' | 'ownerId' | 'attempts' | 'attemptsBeforeResume'
>;

/**
 * Who sends a delivery again. Its retry workflow fails itself when the
 * delivery gives up; any other sender (a lane, a resume) starts the
 * delivery's failed record for the Web UI (workflows/failed-delivery.ts).
 */
export interface SentBy {
  inRetryWorkflow?: boolean;
}

/** What sending it again came to: the step recorded, and the answer when there was a send. */
export interface SentAgain {
  step: NextStep;
  result?: AttemptResult;
}

/**
 * One more attempt of a delivery, recorded, with what comes next: a retry's
 * next attempt, a resumed delivery's first since its hook came back, or a
 * paced hook's delivery its lane sends. A delivery whose hook is off again is
 * kept, paused; a retry of a hook that became paced goes to the hook's lane;
 * one to a host the breaker paused waits for the pause to end, no attempt spent.
 */
export function createLaterAttempt({
  models,
  sender,
  hostBreaker,
  temporal,
  handToLanes,
  tellWatchers,
  announceFailing,
}: LaterAttemptDependencies) {
  /** The delivery's event, as stored; null once retention (or its owner's deletion) took it. */
  function eventOf(delivery: Pick<Delivery, 'ownerId' | 'eventId'>) {
    return models.Event.findById(eventKey(delivery.ownerId, delivery.eventId)).lean();
  }

  /**
   * Sends the delivery's event (`eventOf`, read by the caller: a lane reads
   * them before their turn to send comes) to the hook as it stands, records
   * the attempt, keeps the hook's failure streak and Retry-After
   * (activities/throttling.ts), and starts disabling a hook past its threshold.
   */
  async function sendAgain(
    delivery: LaterDelivery,
    hook: Hook & { _id: string },
    event: Awaited<ReturnType<typeof eventOf>>,
    taskQueue: string,
    { inRetryWorkflow = false }: SentBy = {},
  ) {
    if (!event) {
      const step: NextStep = { status: 'cancelled', failureReason: 'The event no longer exists' };
      await models.Delivery.updateOne(
        { _id: delivery._id },
        { $set: { status: step.status, failureReason: step.failureReason }, $unset: { nextAttemptAt: 1 } },
      );
      return { step } satisfies SentAgain;
    }
    const targetHost = sender.hostOf(hook);
    const heldUntil = hostBreaker.pausedUntil(targetHost);
    if (targetHost && heldUntil) {
      const step = heldStep(targetHost, heldUntil, Date.now());
      await models.Delivery.updateOne({ _id: delivery._id }, laterAttemptUpdate(step, undefined, Date.now()));
      return { step } satisfies SentAgain;
    }
    const settings = sender.settingsOf(hook);
    const result = await sender.send(hook, deliveryId(delivery.eventId, delivery.hookId), eventView(event));
    hostBreaker.noteOutcome(targetHost, result.outcome);
    const attemptsMade = delivery.attempts.length + 1 - (delivery.attemptsBeforeResume ?? 0);
    const step = nextStep(result, settings, attemptsMade);
    const now = Date.now();
    await models.Delivery.updateOne({ _id: delivery._id }, laterAttemptUpdate(step, result.attempt, now));
    await throttleHooksAsked(models, [{ hookId: hook._id, result }], now);
    const { toDisable, failing } = await recordStreaks(models, [
      {
        hookId: hook._id,
        disableAfter: settings.disableAfter,
        failureCountBefore: hook.failureCount,
        succeeded: step.status === 'succeeded',
        disableHook: result.disableHook,
        operational: isOperational(event.type),
      },
    ]);
    await startDisabling(temporal, toDisable, taskQueue);
    await announceFailing(failing);
    if (step.status === 'failed' && !inRetryWorkflow) {
      const delivered = {
        deliveryId: delivery._id,
        hookId: hook._id,
        ownerId: delivery.ownerId,
        eventType: event.type,
      };
      await startFailedDeliveryWorkflow(
        { temporal, taskQueue },
        {
          delivery: { ...delivered, summary: deliverySummary(hook, event.type) },
          failureReason: step.failureReason ?? 'Failed',
        },
      );
    }
    await tellWatchers([
      {
        deliveryId: delivery._id,
        eventId: delivery.eventId,
        hookId: hook._id,
        ownerId: delivery.ownerId,
        eventType: event.type,
        targetType: hook.target.type,
        step,
        result,
        attemptsMade: delivery.attempts.length + 1,
        recordedAt: now,
      },
    ]);
    return { step, result } satisfies SentAgain;
  }

  /** A retry workflow's attempt of a delivery that is `retrying`. */
  async function attemptLater(id: DeliveryId, taskQueue: string, sentBy: SentBy = {}): Promise<NextStep> {
    const delivery = await models.Delivery.findById(id).lean();
    if (!delivery) return { status: 'cancelled' };
    // Already past its retries (an earlier try of this activity recorded the step): what it came to, and why.
    if (delivery.status !== 'retrying') {
      return { status: delivery.status, ...(delivery.failureReason ? { failureReason: delivery.failureReason } : {}) };
    }
    // Its lane sends it (its hook's, or its key's when ordered): the retry workflow ends here, telling the lane
    // again (a try that handed it over may have died before its signal).
    const lane = laneOf(delivery);
    if (lane) {
      await handToLanes([lane]);
      return { status: 'retrying' };
    }
    const hook = await models.Hook.findById(delivery.hookId).lean();
    if (!hook || hook.status !== 'enabled') {
      const step: NextStep = hook ? parkedStep(hook) : { status: 'cancelled', failureReason: 'The hook was deleted' };
      await models.Delivery.updateOne(
        { _id: delivery._id, status: 'retrying' },
        { $set: { status: step.status, failureReason: step.failureReason }, $unset: { nextAttemptAt: 1 } },
      );
      return step;
    }
    if (isPaced(hook, Date.now())) {
      // Its attempts count against the hook's pace from now on: its lane takes it, at its nextAttemptAt.
      await models.Delivery.updateOne({ _id: delivery._id, status: 'retrying' }, { $set: { inLane: true } });
      await handToLanes([{ hookId: hook._id }]);
      return { status: 'retrying' };
    }
    return (await sendAgain(delivery, hook, await eventOf(delivery), taskQueue, sentBy)).step;
  }

  return { attemptLater, eventOf, sendAgain };
}

export type LaterAttempts = ReturnType<typeof createLaterAttempt>;
export type AttemptLater = LaterAttempts['attemptLater'];
