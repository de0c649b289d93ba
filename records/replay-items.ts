import { filterMatcher } from '../core/hook-filter';
import { eventView, type StoredEventRecord } from '../core/stored-events';
import { eventKey, type DeliveryId, type EventId, type HookId, type OwnerId, type ReplayId } from '../core/ids';
import type { Models } from '../infra/models';
import type { StoredEvent } from '../infra/models/event';
import type { DeliveryStatus } from '../infra/models/delivery';
import type { Replay } from '../infra/models/replay';
import { subscribedHooksFilter } from './subscriptions';
import { RECEIVING_STATES } from '../infra/models/hook';

/**
 * What a replay delivers again, page by page, in a stable order: the one
 * delivery; an event's hooks in id order; a hook's missed deliveries oldest
 * first. The API counts a replay's total with the same filters the worker
 * pages through, so that its progress adds up.
 */

/** What decides a replay's items, as stored or about to be. */
export interface ReplayScope {
  _id: ReplayId;
  ownerId: OwnerId;
  kind: Replay['kind'];
  deliveryId?: DeliveryId | null;
  /** The producer's id, within the replay's owner. */
  eventId?: EventId | null;
  hookIds?: HookId[] | null;
  includeNewHooks?: boolean | null;
  hookId?: HookId | null;
  since?: Date | null;
  until?: Date | null;
  statuses?: DeliveryStatus[] | null;
}

/**
 * An event replay's hooks: those subscribed now (with `includeNewHooks`), or
 * those its first delivery reached. Either way only those that receive
 * events (a parking hook keeps its delivery for later), and only the named
 * ones when the request named some. Their filters are not in the query (they
 * run on the event, see eventReplayTakers): a hook whose filter passes the
 * event over gets nothing.
 */
export async function eventReplayHooksFilter(models: Models, replay: ReplayScope, event: StoredEvent) {
  const reached = replay.includeNewHooks
    ? undefined
    : await models.Delivery.distinct('hookId', { eventId: event.id, ownerId: event.ownerId, replayId: null });
  const allowed = [replay.hookIds, reached].filter((ids): ids is HookId[] => Array.isArray(ids));
  const ids = allowed.reduce<HookId[] | undefined>(
    (kept, list) => (kept === undefined ? list : kept.filter((id) => list.includes(id))),
    undefined,
  );
  const base = replay.includeNewHooks
    ? subscribedHooksFilter(event)
    : { ownerId: event.ownerId, status: { $in: [...RECEIVING_STATES] } };
  // The loop guard's `$ne` (subscribedHooksFilter) stays beside the ids.
  return { ...base, ...(ids ? { _id: { ...('_id' in base ? base._id : {}), $in: ids } } : {}) };
}

/** The hooks among these whose filter (as it is now) takes the event, as the replay's pages and its count see them. */
export function eventReplayTakers<H extends { filterJson?: string | null }>(hooks: H[], event: StoredEventRecord): H[] {
  const takes = filterMatcher();
  const subject = eventView(event);
  return hooks.filter((hook) => takes(hook, subject));
}

/**
 * A recovery's deliveries: the hook's, created in the window, in the asked
 * statuses, not already done again by another replay (this one's own claims
 * stay visible, so that a retried page finds them again).
 */
export function recoveryFilter(replay: ReplayScope) {
  return {
    hookId: replay.hookId ?? undefined,
    createdAt: { $gte: replay.since ?? undefined, $lt: replay.until ?? undefined },
    status: { $in: replay.statuses ?? [] },
    $or: [{ supersededBy: null }, { supersededByReplay: replay._id }],
  };
}

/** How many deliveries a replay sets out to make. */
export async function countReplayItems(models: Models, replay: ReplayScope): Promise<number> {
  switch (replay.kind) {
    case 'delivery':
      return 1;
    case 'event': {
      const event = replay.eventId && (await models.Event.findById(eventKey(replay.ownerId, replay.eventId)).lean());
      if (!event) return 0;
      const hooks = await models.Hook.find(await eventReplayHooksFilter(models, replay, event), {
        filterJson: 1,
      }).lean();
      return eventReplayTakers(hooks, event).length;
    }
    case 'recovery':
      return models.Delivery.countDocuments(recoveryFilter(replay));
  }
}
