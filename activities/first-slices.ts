import { Context } from '@temporalio/activity';
import type { DispatchedEvent } from '../shared/dispatch';
import { filterMatcher, type FilterMatcher } from '../core/hook-filter';
import { deliveryId, type DeliveryId, type DispatchId, type EventId, type HookId } from '../core/ids';
import type { Models } from '../infra/models';
import { hookLeftOut, subscribedHooksFilter, type SubscriptionKey } from '../records/subscriptions';
import { deliveryEventsOf } from './dispatched-events';
import { markFannedOut } from './fanned-out';
import { listHookIds } from '../shared/temporal-names';
import type { FanOutTally } from './fan-out-tally';
import {
  handOffsLeftOnRecord,
  lanesLeftOnRecord,
  recordedAmong,
  type AttemptAndRecord,
  type FirstAttempt,
} from './first-attempts';
import type { DeliveryEvent } from '../targets/contract';

export interface FirstSlicesOutcome extends FanOutTally {
  /** How many of the events, from the first, this call began: the rest are left to the next call. */
  begun: number;
  /** The begun events with hooks left (by their index in the call's events), and the hook to carry on after. */
  carryOn: { index: number; afterHookId: HookId }[];
  /** The call went through every hook of the dispatch `fannedOut` named, and marked its events so. */
  fannedOut: boolean;
}

type SubscribedHook = FirstAttempt['hook'];

/** Events of one owner, type and resource type have the same subscribers (but for the hook an operational one leaves out). */
function subscriptionOf(event: SubscriptionKey): string {
  return JSON.stringify([event.ownerId, event.type, event.resourceType ?? null, hookLeftOut(event) ?? null]);
}

/**
 * Picks the deliveries of one call: the events in order, each to its first
 * hooks in id order whose filter takes it, until `limit` deliveries in all.
 * Every event it begins but does not finish carries on after the last hook it
 * looked at (a hook filtered out is passed over, never recorded); the events
 * it does not begin are the next call's. `hooksOf` gives at most `limit + 1`
 * hooks: when it gives that many, there may be more after them.
 */
async function chooseDeliveries(
  events: readonly DeliveryEvent[],
  sequences: readonly (number | undefined)[],
  limit: number,
  hooksOf: (event: DeliveryEvent) => Promise<SubscribedHook[]>,
  takes: FilterMatcher,
) {
  const attempts: FirstAttempt[] = [];
  const carryOn: FirstSlicesOutcome['carryOn'] = [];
  let begun = 0;
  for (const [index, event] of events.entries()) {
    if (attempts.length === limit) break;
    const hooks = await hooksOf(event);
    begun++;
    let lastLooked: HookId | undefined;
    let full = false;
    for (const hook of hooks) {
      if (attempts.length === limit) {
        full = true;
        break;
      }
      lastLooked = hook._id;
      const sequence = sequences[index];
      if (takes(hook, event)) attempts.push({ deliveryId: deliveryId(event.id, hook._id), event, hook, sequence });
    }
    if ((full || hooks.length > limit) && lastLooked) carryOn.push({ index, afterHookId: lastLooked });
  }
  return { attempts, carryOn, begun };
}

/** What an earlier try recorded of these attempts, asked event by event (see recordedAmong). */
async function recordedForEach(models: Models, attempts: readonly FirstAttempt[]) {
  const idsByEvent = new Map<EventId, DeliveryId[]>();
  for (const attempt of attempts) {
    idsByEvent.set(attempt.event.id, [...(idsByEvent.get(attempt.event.id) ?? []), attempt.deliveryId]);
  }
  const found = await Promise.all([...idsByEvent].map(([eventId, ids]) => recordedAmong(models, { eventId }, ids)));
  return found.flat();
}

/**
 * Starts a dispatch: every event it begins to its first hooks, at most
 * `limit` deliveries in all, sent and recorded together (one insert per
 * recorded slice, across events). Events with the same subscribers share one
 * lookup of their hooks. Run as a local activity first (which cannot
 * heartbeat: a lost worker re-runs it from its first try, whose insert then
 * fails on what the lost run recorded, and its retry finds those on record),
 * and as an activity for what a large dispatch has left to begin.
 */
export function createFirstSlices({
  models,
  attemptAndRecord,
}: {
  models: Models;
  attemptAndRecord: AttemptAndRecord;
}) {
  return async function deliverFirstSlices(input: {
    events: DispatchedEvent[];
    limit: number;
    /**
     * The dispatch these events are all of: a call that goes through all their hooks marks them fanned out
     * (activities/fanned-out.ts), which spares the common dispatch an activity of its own for it.
     */
    fannedOut?: DispatchId;
  }): Promise<FirstSlicesOutcome> {
    const { info } = Context.current();
    const events = await deliveryEventsOf(models, input.events);
    const lookups = new Map<string, Promise<SubscribedHook[]>>();
    // One hook past the limit tells whether any are left for the next call.
    const hooksOf = (event: DeliveryEvent) => {
      const key = subscriptionOf(event);
      const lookup =
        lookups.get(key) ??
        models.Hook.find(subscribedHooksFilter(event))
          .sort({ _id: 1 })
          .limit(input.limit + 1)
          .lean<SubscribedHook[]>()
          .exec();
      lookups.set(key, lookup);
      return lookup;
    };
    const sequences = input.events.map((event) => event.sequence);
    const { attempts, carryOn, begun } = await chooseDeliveries(
      events,
      sequences,
      input.limit,
      hooksOf,
      filterMatcher(),
    );

    // Only a retried try can find deliveries on record (see deliverToSubscribers). What an earlier try
    // recorded stands, and the deliveries it left retrying still need their retry workflows.
    const recorded = info.attempt > 1 ? await recordedForEach(models, attempts) : [];
    const onRecord = new Set(recorded.map((delivery) => delivery._id));
    const attemptOf = new Map(attempts.map((attempt) => [attempt.deliveryId, attempt]));
    const sent = await attemptAndRecord(
      attempts.filter((attempt) => !onRecord.has(attempt.deliveryId)),
      { lanesOnRecord: lanesLeftOnRecord(recorded) },
    );
    const left = handOffsLeftOnRecord(recorded, (record) => attemptOf.get(record._id));
    const whole = begun === input.events.length && carryOn.length === 0;
    if (whole && input.fannedOut) await markFannedOut(models, input.fannedOut);
    return {
      fannedOut: whole && input.fannedOut !== undefined,
      hooks: attempts.length,
      succeeded: sent.succeeded,
      failed: sent.failed,
      parked: sent.parked,
      paced: sent.paced,
      skipped: onRecord.size,
      hookIds: listHookIds(
        [],
        attempts.map((attempt) => attempt.hook._id),
      ),
      retries: [...left.retries, ...sent.retries],
      failures: [...left.failures, ...sent.failures],
      hooksToDisable: sent.hooksToDisable,
      begun,
      carryOn,
    };
  };
}
