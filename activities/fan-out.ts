import { Context } from '@temporalio/activity';
import { recordedDeliveriesFilter } from '../domain/deliveries';
import { eventView } from '../domain/events';
import { deliveryId } from '../domain/ids';
import type { Models } from '../domain/models';
import { subscribedHooksFilter } from '../domain/subscriptions';
import type { HookToDisable } from './failure-streak';
import { keepHeartbeating, retriesLeftOnRecord, type AttemptAndRecord, type RetryHandOff } from './first-attempts';
import type { DeliveryEvent } from './targets/target';

/**
 * The most failures one call gathers before it hands them back: they travel
 * through the workflow's history to handOnFailures, and must stay well under
 * Temporal's payload limits.
 */
const FAILURES_PER_CALL = 1_000;

/** Hooks the database hands over at a time; they are delivered a slice at a time. */
const CURSOR_BATCH = 1_000;

export interface FanOutDependencies {
  models: Models;
  attemptAndRecord: AttemptAndRecord;
  /** The most failures one call gathers before it hands them back; a thousand unless told. */
  failuresPerCall?: number;
}

export interface FanOutTally {
  /** Hooks gone through. */
  hooks: number;
  succeeded: number;
  failed: number;
  /** Deliveries an earlier try of this activity already attempted. */
  skipped: number;
  /** Failures worth another try, for their own retry workflows. */
  retries: RetryHandOff[];
  /** Hooks past their failure threshold, or gone (410). */
  hooksToDisable: HookToDisable[];
}

export interface FanOutOutcome extends FanOutTally {
  /** Pass back as `afterHookId`, once the failures are handed on; absent when every hook has its delivery. */
  next?: string;
}

/** What a try heartbeats after each slice it records: where a retried try carries on, and what came before. */
export interface FanOutProgress {
  next?: string;
  outcome: FanOutTally;
}

const NOTHING_YET: FanOutTally = { hooks: 0, succeeded: 0, failed: 0, skipped: 0, retries: [], hooksToDisable: [] };

/** The cursor's documents, `size` at a time. */
async function* batchesOf<T>(cursor: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of cursor) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function createFanOutActivities({
  models,
  attemptAndRecord,
  failuresPerCall = FAILURES_PER_CALL,
}: FanOutDependencies) {
  const { Event, Hook, Delivery } = models;

  return {
    /**
     * Delivers the event to its subscribed hooks after `afterHookId`, in id
     * order, and records every outcome, a slice at a time. One cursor reads
     * them all: on FerretDB 1.24 a range such as `_id > last` is evaluated on every row,
     * so a query per page would make a fan-out cost a scan per page. Stops
     * early only to hand back the failures it gathered (see `next`). The
     * common path of a first try that succeeds inserts records and nothing
     * else. Safe to retry: a retried try carries on from its last heartbeat,
     * and what an earlier try recorded is not sent again. With `limit`, stops
     * after that many hooks (for a local activity, which cannot heartbeat).
     */
    async deliverToSubscribers(input: {
      /** The event's record id (eventKey). */
      eventKey: string;
      afterHookId?: string;
      limit?: number;
    }): Promise<FanOutOutcome> {
      const { info } = Context.current();
      const event = await Event.findById(input.eventKey).lean();
      if (!event) throw new Error(`Event ${input.eventKey} does not exist`);
      const deliveryEvent: DeliveryEvent = eventView(event);
      const resumed = info.attempt > 1 ? (info.heartbeatDetails as FanOutProgress | undefined) : undefined;
      let { next, outcome } = resumed ?? { next: input.afterHookId, outcome: NOTHING_YET };
      // Only a retried try can find deliveries on record (each event's workflow goes through its hooks
      // once), and only in its leading batches: slices are recorded in order, so once a batch has none on
      // record, no later one has. What an earlier try recorded stands, and the deliveries it left
      // retrying still need their retry workflows.
      let mayBeOnRecord = info.attempt > 1;

      return keepHeartbeating(async (progress) => {
        // Beats carry where this try stands from the first on (a bare one would wipe what an earlier try
        // reported), and go on while the database sorts the hooks before the first batch (seconds for many).
        progress({ next, outcome } satisfies FanOutProgress);
        // One hook past the limit tells whether any are left for the next call.
        const cursor = Hook.find(subscribedHooksFilter(event, next))
          .sort({ _id: 1 })
          .limit(input.limit === undefined ? 0 : input.limit + 1)
          .lean()
          .cursor({ batchSize: CURSOR_BATCH });
        try {
          // A batch at a time, so that the slices in it are sent and recorded pipelined (see attemptAndRecord).
          const batchSize = Math.min(CURSOR_BATCH, input.limit ?? CURSOR_BATCH);
          for await (const batch of batchesOf(cursor, batchSize)) {
            const failures = outcome.retries.length + outcome.hooksToDisable.length;
            if (failures >= failuresPerCall || (input.limit !== undefined && outcome.hooks >= input.limit)) {
              return { ...outcome, next };
            }
            const recorded = mayBeOnRecord
              ? await Delivery.find(
                  recordedDeliveriesFilter(
                    event.id,
                    batch.map((hook) => hook._id),
                  ),
                  { _id: 1, hookId: 1, status: 1, nextAttemptAt: 1 },
                ).lean()
              : [];
            mayBeOnRecord = recorded.length > 0;
            const alreadyAttempted = new Set(recorded.map((delivery) => delivery.hookId));
            // New tallies rather than changes to the one last reported, which a heartbeat may still carry.
            outcome = {
              ...outcome,
              hooks: outcome.hooks + alreadyAttempted.size,
              skipped: outcome.skipped + alreadyAttempted.size,
              retries: [...outcome.retries, ...retriesLeftOnRecord(recorded, () => event)],
            };
            await attemptAndRecord(
              batch
                .filter((hook) => !alreadyAttempted.has(hook._id))
                .map((hook) => ({ deliveryId: deliveryId(event.id, hook._id), event: deliveryEvent, hook })),
              {
                onSliceRecorded: (sent, slice) => {
                  outcome = {
                    hooks: outcome.hooks + slice.length,
                    succeeded: outcome.succeeded + sent.succeeded,
                    failed: outcome.failed + sent.failed,
                    skipped: outcome.skipped,
                    retries: [...outcome.retries, ...sent.retries],
                    hooksToDisable: [...outcome.hooksToDisable, ...sent.hooksToDisable],
                  };
                  next = slice.at(-1)?.hook._id;
                  progress({ next, outcome } satisfies FanOutProgress);
                },
              },
            );
            // The batch's last hooks may all have been on record already.
            next = batch.at(-1)?._id;
            progress({ next, outcome } satisfies FanOutProgress);
          }
          return outcome;
        } finally {
          await cursor.close();
        }
      });
    },
  };
}
