import { mapWithConcurrency } from '../domain/concurrency';
import { subscriptionKeysFor } from '../domain/event-patterns';
import { eventView } from '../domain/events';
import { deliveryId } from '../domain/ids';
import type { Models } from '../domain/models';
import type { SecretBox } from '../domain/secret-box';
import { createHookSender } from './prepare-hook';
import { recordStreaks, type HookToDisable } from './failure-streak';
import { recordAttemptUpdate } from './retries';
import { nextStep } from './retry-plan';
import type { DeliveryEvent, Target } from './targets/target';

export interface FanOutDependencies {
  models: Models;
  secrets: SecretBox;
  targets: Record<string, Target>;
  /** How many deliveries one activity runs at once. */
  concurrency: number;
}

export interface HookPage {
  hookIds: string[];
  /** Pass back as `afterHookId` for the next page; absent on the last page. */
  next?: string;
}

export interface PageOutcome {
  succeeded: number;
  failed: number;
  /** Deliveries an earlier try of this activity already attempted. */
  skipped: number;
  /** Failures worth another try, for their own retry workflows. */
  retries: { deliveryId: string; hookId: string; delayMs: number }[];
  /** Hooks past their failure threshold, or gone (410). */
  hooksToDisable: HookToDisable[];
}

export function createFanOutActivities({ models, secrets, targets, concurrency }: FanOutDependencies) {
  const { Event, Hook, Delivery } = models;
  const send = createHookSender(targets, secrets);

  async function loadEvent(eventId: string) {
    const event = await Event.findById(eventId).lean();
    if (!event) throw new Error(`Event ${eventId} does not exist`);
    return event;
  }

  return {
    /** One page of the enabled hooks subscribed to the event, in id order. */
    async findSubscribedHooks(input: { eventId: string; afterHookId?: string; limit: number }): Promise<HookPage> {
      const event = await loadEvent(input.eventId);
      const hooks = await Hook.find(
        {
          ownerId: event.ownerId,
          status: 'enabled',
          events: { $in: subscriptionKeysFor(event.type) },
          // A hook without a resource-type filter takes every event; one with a filter, only those it lists.
          resourceTypes: { $in: [null, ...(event.resourceType ? [event.resourceType] : [])] },
          ...(input.afterHookId ? { _id: { $gt: input.afterHookId } } : {}),
        },
        { _id: 1 },
      )
        .sort({ _id: 1 })
        .limit(input.limit + 1)
        .lean();
      const page = hooks.slice(0, input.limit).map((hook) => hook._id);
      return { hookIds: page, next: hooks.length > input.limit ? page.at(-1) : undefined };
    },

    /**
     * Delivers the event to a page of hooks and records every outcome in one
     * bulk write. Safe to retry: deliveries that already succeeded are skipped.
     */
    async deliverToHooks(input: { eventId: string; hookIds: string[] }): Promise<PageOutcome> {
      const event = await loadEvent(input.eventId);
      const ids = new Map(input.hookIds.map((hookId) => [deliveryId(event._id, hookId), hookId]));
      const [hooks, recorded] = await Promise.all([
        Hook.find({ _id: { $in: input.hookIds } }).lean(),
        Delivery.find({ _id: { $in: [...ids.keys()] } }, { _id: 1, hookId: 1, status: 1, nextAttemptAt: 1 }).lean(),
      ]);
      // A retry of this activity must not send twice: what an earlier try recorded stands, and the
      // deliveries it left retrying still need their retry workflows (starting them is idempotent).
      const alreadyAttempted = new Set(recorded.map((delivery) => delivery.hookId));
      const leftRetrying = recorded
        .filter((delivery) => delivery.status === 'retrying')
        .map((delivery) => ({
          deliveryId: delivery._id,
          hookId: delivery.hookId,
          delayMs: Math.max(0, (delivery.nextAttemptAt?.getTime() ?? 0) - Date.now()),
        }));
      const pending = hooks.filter((hook) => !alreadyAttempted.has(hook._id));
      const deliveryEvent: DeliveryEvent = eventView(event);
      const now = new Date();

      const results = await mapWithConcurrency(pending, concurrency, async (hook) => {
        const id = deliveryId(event._id, hook._id);
        const result = await send(hook, id, deliveryEvent, now);
        return { id, hook, result, step: nextStep(result, hook.delivery.retrySchedule, 1) };
      });

      if (results.length > 0) {
        const recordedAt = Date.now();
        await Delivery.bulkWrite(
          results.map(({ id, hook, result, step }) => {
            const update = recordAttemptUpdate(step, result.attempt, recordedAt);
            return {
              updateOne: {
                filter: { _id: id },
                update: { ...update, $setOnInsert: { eventId: event._id, hookId: hook._id, ownerId: event.ownerId } },
                upsert: true,
              },
            };
          }),
          { ordered: false },
        );
      }
      const hooksToDisable = await recordStreaks(
        models,
        results.map(({ hook, result, step }) => ({
          hookId: hook._id,
          succeeded: step.status === 'succeeded',
          disableHook: result.disableHook,
        })),
      );
      const count = (status: string) => results.filter((r) => r.step.status === status).length;
      return {
        succeeded: count('succeeded'),
        failed: count('failed'),
        skipped: alreadyAttempted.size,
        hooksToDisable,
        retries: [
          ...leftRetrying,
          ...results
            .filter((r) => r.step.status === 'retrying')
            .map((r) => ({ deliveryId: r.id, hookId: r.hook._id, delayMs: r.step.delayMs as number })),
        ],
      };
    },
  };
}
