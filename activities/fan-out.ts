import { Context } from '@temporalio/activity';
import type { DispatchedEvent } from '../shared/dispatch';
import { filterMatcher } from '../core/hook-filter';
import { deliveryId, type DispatchId, type HookId } from '../core/ids';
import type { Models } from '../infra/models';
import { subscribedHooksFilter } from '../records/subscriptions';
import { deliveryEventsOf } from './dispatched-events';
import { keepHeartbeating } from './heartbeat';
import { handOffsLeftOnRecord, lanesLeftOnRecord, recordedAmong, type AttemptAndRecord } from './first-attempts';
import { NOTHING_YET, type FanOutTally } from './fan-out-tally';
import { createFirstSlices } from './first-slices';
import { markFannedOut } from './fanned-out';
import { listHookIds } from '../shared/temporal-names';

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

export interface FanOutOutcome extends FanOutTally {
  /** Pass back as `afterHookId`, once the failures are handed on; absent when every hook has its delivery. */
  next?: HookId;
}

/** What a try heartbeats after each slice it records: where a retried try carries on, and what came before. */
export interface FanOutProgress {
  next?: HookId;
  outcome: FanOutTally;
}

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
  const { Hook } = models;

  return {
    deliverFirstSlices: createFirstSlices({ models, attemptAndRecord }),

    /** A dispatch has gone through every hook of its events (one that the first call did not finish). */
    markFannedOut: (input: { dispatchId: DispatchId }) => markFannedOut(models, input.dispatchId),

    /**
     * Delivers the event to its subscribed hooks after `afterHookId` whose
     * filter takes it, in id order, and records every outcome, a slice at a
     * time. One cursor reads them all (filters run here, on each hook it
     * reads): on FerretDB 1.24 a range such as `_id > last` is evaluated on every row,
     * so a query per page would make a fan-out cost a scan per page. Stops
     * early only to hand back the failures it gathered (see `next`). The
     * common path of a first try that succeeds inserts records and nothing
     * else. Safe to retry: a retried try carries on from its last heartbeat,
     * and what an earlier try recorded is not sent again.
     */
    async deliverToSubscribers(input: { event: DispatchedEvent; afterHookId?: HookId }): Promise<FanOutOutcome> {
      const { info } = Context.current();
      const [event] = await deliveryEventsOf(models, [input.event]);
      if (!event) throw new Error('deliverToSubscribers: no event given');
      const resumed = info.attempt > 1 ? (info.heartbeatDetails as FanOutProgress | undefined) : undefined;
      let { next, outcome } = resumed ?? { next: input.afterHookId, outcome: NOTHING_YET };
      // Only a retried try can find deliveries on record (each event's workflow goes through its hooks
      // once), and only in its leading batches: slices are recorded in order, so once a batch has none on
      // record, no later one has. What an earlier try recorded stands, and the deliveries it left
      // retrying still need their retry workflows.
      let mayBeOnRecord = info.attempt > 1;
      const takes = filterMatcher();

      return keepHeartbeating(async (progress) => {
        // Beats carry where this try stands from the first on (a bare one would wipe what an earlier try
        // reported), and go on while the database sorts the hooks before the first batch (seconds for many).
        progress({ next, outcome } satisfies FanOutProgress);
        const cursor = Hook.find(subscribedHooksFilter(event, next))
          .sort({ _id: 1 })
          .lean()
          .cursor({ batchSize: CURSOR_BATCH });
        try {
          // A batch at a time, so that the slices in it are sent and recorded pipelined (see attemptAndRecord).
          for await (const batch of batchesOf(cursor, CURSOR_BATCH)) {
            if (outcome.retries.length + outcome.failures.length + outcome.hooksToDisable.length >= failuresPerCall) {
              return { ...outcome, next };
            }
            // Hooks whose filter passes the event over get no delivery, and are not counted.
            const taking = batch.filter((hook) => takes(hook, event));
            const recorded =
              mayBeOnRecord && taking.length > 0
                ? await recordedAmong(
                    models,
                    { eventId: event.id },
                    taking.map((hook) => deliveryId(event.id, hook._id)),
                  )
                : [];
            // A batch with none of its hooks taking the event tells nothing about the next one.
            if (taking.length > 0) mayBeOnRecord = recorded.length > 0;
            const alreadyAttempted = new Set(recorded.map((delivery) => delivery.hookId));
            const hookOf = new Map(taking.map((hook) => [hook._id, hook]));
            const left = handOffsLeftOnRecord(recorded, (record) => {
              const hook = hookOf.get(record.hookId);
              return hook && { deliveryId: record._id, event, hook };
            });
            // New tallies rather than changes to the one last reported, which a heartbeat may still carry.
            outcome = {
              ...outcome,
              hooks: outcome.hooks + alreadyAttempted.size,
              skipped: outcome.skipped + alreadyAttempted.size,
              hookIds: listHookIds(outcome.hookIds, alreadyAttempted),
              retries: [...outcome.retries, ...left.retries],
              failures: [...outcome.failures, ...left.failures],
            };
            await attemptAndRecord(
              taking
                .filter((hook) => !alreadyAttempted.has(hook._id))
                .map((hook) => ({
                  deliveryId: deliveryId(event.id, hook._id),
                  event,
                  hook,
                  sequence: input.event.sequence,
                })),
              {
                lanesOnRecord: lanesLeftOnRecord(recorded),
                onSliceRecorded: (sent, slice) => {
                  outcome = {
                    hooks: outcome.hooks + slice.length,
                    succeeded: outcome.succeeded + sent.succeeded,
                    failed: outcome.failed + sent.failed,
                    parked: outcome.parked + sent.parked,
                    paced: outcome.paced + sent.paced,
                    skipped: outcome.skipped,
                    hookIds: listHookIds(
                      outcome.hookIds,
                      slice.map((item) => item.hook._id),
                    ),
                    retries: [...outcome.retries, ...sent.retries],
                    failures: [...outcome.failures, ...sent.failures],
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
