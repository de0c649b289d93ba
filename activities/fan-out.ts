import { Context } from '@temporalio/activity';
import { mapWithConcurrency } from '../domain/concurrency';
import { subscriptionKeysFor } from '../domain/event-patterns';
import { eventView } from '../domain/events';
import { deliveryId } from '../domain/ids';
import type { Models } from '../domain/models';
import type { StoredEvent } from '../domain/models/event';
import { firstAttemptRecord } from './delivery-records';
import { recordStreaks, type HookToDisable } from './failure-streak';
import type { HookSender } from './prepare-hook';
import { nextStep } from './retry-plan';
import type { DeliveryEvent } from './targets/target';

/** Deliveries recorded together: a crash mid-page re-sends at most this many that had already gone out. */
const RECORD_SLICE = 200;

/** Tells Temporal the worker is alive even while every send of a slice waits on a slow receiver. */
const HEARTBEAT_EVERY_MS = 5_000;

export interface FanOutDependencies {
  models: Models;
  sender: HookSender;
  /** How many deliveries one activity runs at once. */
  concurrency: number;
}

export interface RetryHandOff {
  deliveryId: string;
  hookId: string;
  delayMs: number;
}

export interface PageOutcome {
  /** Hooks on this page. */
  hooks: number;
  /** Pass back as `afterHookId` for the next page; absent on the last page. */
  next?: string;
  succeeded: number;
  failed: number;
  /** Deliveries an earlier try of this activity already attempted. */
  skipped: number;
  /** Failures worth another try, for their own retry workflows. */
  retries: RetryHandOff[];
  /** Hooks past their failure threshold, or gone (410). */
  hooksToDisable: HookToDisable[];
}

/** The owner's enabled hooks that want this event (type and resource type), after the given hook id. */
function subscribedHooksFilter(event: StoredEvent, afterHookId: string | undefined) {
  return {
    ownerId: event.ownerId,
    status: 'enabled' as const,
    events: { $in: subscriptionKeysFor(event.type) },
    // A hook without a resource-type filter takes every event; one with a filter, only those it lists.
    resourceTypes: { $in: [null, ...(event.resourceType ? [event.resourceType] : [])] },
    ...(afterHookId ? { _id: { $gt: afterHookId } } : {}),
  };
}

function slices<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

export function createFanOutActivities({ models, sender, concurrency }: FanOutDependencies) {
  const { Event, Hook, Delivery } = models;

  return {
    /**
     * Delivers the event to one page of its subscribed hooks, in id order, and
     * records every outcome. One query loads the page (on FerretDB any query
     * but an _id lookup scans the collection, so pages are large), and the
     * common path of a first try that succeeds inserts records and nothing else.
     * Safe to retry: what an earlier try recorded is not sent again.
     */
    async deliverHookPage(input: { eventId: string; afterHookId?: string; limit: number }): Promise<PageOutcome> {
      const context = Context.current();
      const event = await Event.findById(input.eventId).lean();
      if (!event) throw new Error(`Event ${input.eventId} does not exist`);
      const found = await Hook.find(subscribedHooksFilter(event, input.afterHookId))
        .sort({ _id: 1 })
        .limit(input.limit + 1)
        .lean();
      const page = found.slice(0, input.limit);
      const outcome: PageOutcome = {
        hooks: page.length,
        next: found.length > input.limit ? page.at(-1)?._id : undefined,
        succeeded: 0,
        failed: 0,
        skipped: 0,
        retries: [],
        hooksToDisable: [],
      };

      // Only a retry of this activity can find deliveries of this page on record (each event's
      // workflow walks its pages once). What an earlier try recorded stands, and the deliveries it
      // left retrying still need their retry workflows (starting them again is harmless).
      const recorded =
        context.info.attempt > 1
          ? await Delivery.find(
              { _id: { $in: page.map((hook) => deliveryId(event._id, hook._id)) } },
              { _id: 1, hookId: 1, status: 1, nextAttemptAt: 1 },
            ).lean()
          : [];
      const alreadyAttempted = new Set(recorded.map((delivery) => delivery.hookId));
      outcome.skipped = alreadyAttempted.size;
      for (const delivery of recorded) {
        if (delivery.status !== 'retrying') continue;
        const delayMs = Math.max(0, (delivery.nextAttemptAt?.getTime() ?? 0) - Date.now());
        outcome.retries.push({ deliveryId: delivery._id, hookId: delivery.hookId, delayMs });
      }

      const deliveryEvent: DeliveryEvent = eventView(event);
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        const pending = page.filter((hook) => !alreadyAttempted.has(hook._id));
        for (const slice of slices(pending, RECORD_SLICE)) {
          const now = new Date();
          const results = await mapWithConcurrency(slice, concurrency, async (hook) => {
            const id = deliveryId(event._id, hook._id);
            const settings = sender.settingsOf(hook);
            const result = await sender.send(hook, id, deliveryEvent, now);
            return { id, hook, settings, result, step: nextStep(result, settings.retrySchedule, 1) };
          });
          const recordedAt = Date.now();
          await Delivery.insertMany(
            results.map(({ id, hook, result, step }) =>
              firstAttemptRecord(
                { deliveryId: id, eventId: event._id, hookId: hook._id, ownerId: event.ownerId },
                step,
                result.attempt,
                recordedAt,
              ),
            ),
            { ordered: false },
          );
          const toDisable = await recordStreaks(
            models,
            results.map(({ hook, settings, result, step }) => ({
              hookId: hook._id,
              disableAfter: settings.disableAfter,
              failureCountBefore: hook.failureCount,
              succeeded: step.status === 'succeeded',
              disableHook: result.disableHook,
            })),
          );
          outcome.hooksToDisable.push(...toDisable);
          for (const { id, hook, step } of results) {
            if (step.status === 'succeeded') outcome.succeeded++;
            else if (step.status === 'failed') outcome.failed++;
            else if (step.status === 'retrying') {
              outcome.retries.push({ deliveryId: id, hookId: hook._id, delayMs: step.delayMs ?? 0 });
            }
          }
          context.heartbeat();
        }
      } finally {
        clearInterval(heartbeat);
      }
      return outcome;
    },
  };
}
