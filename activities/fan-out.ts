import { Context } from '@temporalio/activity';
import { eventView } from '../domain/events';
import { deliveryId } from '../domain/ids';
import type { Models } from '../domain/models';
import { subscribedHooksFilter } from '../domain/subscriptions';
import type { HookToDisable } from './failure-streak';
import { retriesLeftOnRecord, type AttemptAndRecord, type RetryHandOff } from './first-attempts';
import type { DeliveryEvent } from './targets/target';

export interface FanOutDependencies {
  models: Models;
  attemptAndRecord: AttemptAndRecord;
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

export function createFanOutActivities({ models, attemptAndRecord }: FanOutDependencies) {
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
      outcome.retries.push(...retriesLeftOnRecord(recorded, () => event));

      const deliveryEvent: DeliveryEvent = eventView(event);
      const sent = await attemptAndRecord(
        page
          .filter((hook) => !alreadyAttempted.has(hook._id))
          .map((hook) => ({ deliveryId: deliveryId(event._id, hook._id), event: deliveryEvent, hook })),
      );
      outcome.succeeded = sent.succeeded;
      outcome.failed = sent.failed;
      outcome.retries.push(...sent.retries);
      outcome.hooksToDisable = sent.hooksToDisable;
      return outcome;
    },
  };
}
