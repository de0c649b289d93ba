import { log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { eventKey, type DeliveryId, type HookId, type OwnerId } from '../core/ids';
import { isOperational } from '../core/operational-events';
import type { Models } from '../infra/models';
import {
  deliveryExhaustedEvent,
  emitOperationalEvent,
  hookDisabledEvent,
  hookEnabledEvent,
  hookFailingEvent,
  type OperationalEvent,
} from '../records/operational-events';
import type { FailingHook } from './failure-streak';
import { lastErrorsOf, latestAttempts } from './recent-failures';

export interface OperationalEventDependencies {
  models: Models;
  temporal: Client;
  /** The worker's main task queue, where event workflows run. */
  taskQueue: string;
  operatorOwnerId: OwnerId | undefined;
}

/** Announces hooks whose failure streak passed half their threshold (from the attempts that found it). */
export type AnnounceFailing = (hooks: readonly FailingHook[]) => Promise<void>;

/** For callers that announce nothing (tests of the attempts alone). */
export const NO_ANNOUNCEMENTS: AnnounceFailing = () => Promise.resolve();

/**
 * Hookflow's operational events (core/operational-events.ts), each emitted by
 * the step that decides its moment: the disabling workflow, the API's switch
 * of a hook, a delivery's give-up (activities), and the attempts that find a
 * streak past half its threshold (announceFailing). None is about an
 * operational event's own delivery: those never announce a give-up or a
 * failing streak, so that hooks failing on each other's news do not feed it.
 */
export function createOperationalEvents({
  models,
  temporal,
  taskQueue,
  operatorOwnerId,
}: OperationalEventDependencies) {
  const emitDeps = { models, temporal, taskQueue, operatorOwnerId };

  async function emit(event: OperationalEvent): Promise<void> {
    const owners = await emitOperationalEvent(emitDeps, event);
    if (owners.length > 0) log.info('Operational event sent', { type: event.type, eventId: event.id, owners });
  }

  const hookErrors = async (hookId: HookId) => lastErrorsOf(await latestAttempts(models, hookId));

  async function announceOneFailing(failing: FailingHook): Promise<void> {
    const hook = await models.Hook.findById(failing.hookId).lean();
    if (!hook) return;
    await emit(hookFailingEvent(hook, failing, await hookErrors(hook._id)));
    // Marked only while it is the same streak, so that one that ended meanwhile leaves the next unmarked. A
    // mark lost to a crash costs a second try, which the event's id makes a no-op.
    await models.Hook.updateOne(
      { _id: hook._id, failingSince: failing.since },
      { $set: { failingAnnouncedFor: failing.since } },
      { timestamps: false },
    );
  }

  /**
   * Never fails the attempts that found the streaks: their deliveries are on record, and a retried call would
   * count their failures again. An announcement that could not go is left unmarked, so the streak's next
   * failure tries it again.
   */
  const announceFailing: AnnounceFailing = async (hooks) => {
    for (const failing of hooks) {
      try {
        await announceOneFailing(failing);
      } catch (error) {
        log.warn('A failing hook could not be announced; its next failure tries again', {
          hookId: failing.hookId,
          err: error,
        });
      }
    }
  };

  const activities = {
    /**
     * hookflow.hook.disabled for the hook, switched off in the enabled spell
     * `spell` (its enabledCount then; the disabling workflow's own, or the
     * API's). Nothing when the hook is already back on: its enabling is the news.
     */
    async announceHookDisabled(input: { hookId: HookId; spell?: number }): Promise<void> {
      const hook = await models.Hook.findById(input.hookId).lean();
      if (!hook || hook.status === 'enabled') return;
      await emit(hookDisabledEvent(hook, input.spell ?? hook.enabledCount ?? 0, await hookErrors(hook._id)));
    },

    /** hookflow.hook.enabled for the hook switched on through the API, starting spell `spell`. */
    async announceHookEnabled(input: { hookId: HookId; spell: number; enabledAt: string; resume: boolean }) {
      const hook = await models.Hook.findById(input.hookId).lean();
      if (!hook) return;
      const enabled = { at: input.enabledAt, resume: input.resume };
      await emit(hookEnabledEvent(hook, input.spell, enabled, await hookErrors(hook._id)));
    },

    /** hookflow.delivery.exhausted for a delivery that failed for good, unless it carried an operational event. */
    async announceDeliveryExhausted(input: { deliveryId: DeliveryId }): Promise<void> {
      const delivery = await models.Delivery.findById(input.deliveryId).lean();
      if (!delivery) return;
      const event = await models.Event.findById(eventKey(delivery.ownerId, delivery.eventId), { type: 1 }).lean();
      if (!event || isOperational(event.type)) return;
      const hook = await models.Hook.findById(delivery.hookId).lean();
      if (!hook) return;
      await emit(deliveryExhaustedEvent(hook, delivery, event.type, lastErrorsOf(delivery.attempts)));
    },
  };

  return { activities, announceFailing };
}
