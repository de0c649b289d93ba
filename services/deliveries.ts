import { z } from 'zod';
import { ownerScope, type Caller } from '../core/caller';
import { NotFoundError, UnprocessableError } from '../core/errors';
import type { DeliveryId, EventId, OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import { DELIVERY_STATUSES, type Attempt, type Delivery } from '../infra/models/delivery';
import { paginate, pageQuery } from './pagination';

export const listDeliveriesQuery = pageQuery.extend({
  hookId: z.string().brand<'hook'>().optional(),
  /** The producer's event id; with the admin key, several owners' events may share it (name one with ownerId). */
  eventId: z.string().brand<'event'>().optional(),
  ownerId: z.string().brand<'owner'>().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  /** Deliveries recorded before deliveries kept their event's type have none: no eventType matches them. */
  eventType: z.string().min(1).max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  /** Created before this time (exclusive), as `since` is inclusive: consecutive windows do not overlap. */
  until: z.iso.datetime({ offset: true }).optional(),
});

type Stored = Delivery & { _id: string; createdAt: Date; updatedAt: Date };

function attemptView(attempt: Attempt) {
  return {
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode ?? undefined,
    errorKind: attempt.errorKind ?? undefined,
    errorMessage: attempt.errorMessage ?? undefined,
  };
}

/** An attempt with what the target answered: headers and the first bytes of the body. */
export function attemptDetailView(attempt: Attempt) {
  return {
    ...attemptView(attempt),
    responseHeaders: attempt.responseHeaders
      ? Object.fromEntries(attempt.responseHeaders.map((header) => [header.name, header.value]))
      : undefined,
    responseBody: attempt.responseBody ?? undefined,
  };
}

/** One line per delivery, as event pages and lists show them. */
export function deliverySummaryView(delivery: Stored) {
  const last = delivery.attempts.at(-1);
  return {
    id: delivery._id,
    eventId: delivery.eventId,
    eventType: delivery.eventType ?? undefined,
    hookId: delivery.hookId,
    status: delivery.status,
    replayId: delivery.replayId ?? undefined,
    replayOf: delivery.replayOf ?? undefined,
    supersededBy: delivery.supersededBy ?? undefined,
    nextAttemptAt: delivery.nextAttemptAt ?? undefined,
    failureReason: delivery.failureReason ?? undefined,
    attempts: delivery.attempts.length,
    lastAttempt: last && attemptView(last),
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

/** Everything about one delivery, every attempt with what the target answered. */
function deliveryView(delivery: Stored) {
  return {
    ...deliverySummaryView(delivery),
    ownerId: delivery.ownerId,
    attempts: delivery.attempts.map(attemptDetailView),
  };
}

/**
 * What a page of deliveries matches: equalities only (and `since`, `until`), which stay
 * at the top level beside a cursor's `$or` (pageFilter), so that FerretDB
 * hands them to its store; MongoDB serves each combination with an index of
 * the delivery model.
 */
export function deliveryListFilter(caller: Caller, query: z.infer<typeof listDeliveriesQuery>) {
  return {
    ...(query.ownerId ? { ownerId: query.ownerId } : {}),
    ...ownerScope(caller),
    ...(query.hookId ? { hookId: query.hookId } : {}),
    ...(query.eventId ? { eventId: query.eventId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.eventType ? { eventType: query.eventType } : {}),
    ...createdBetween(query),
  };
}

function createdBetween({ since, until }: { since?: string; until?: string }) {
  if (!since && !until) return {};
  return {
    createdAt: { ...(since ? { $gte: new Date(since) } : {}), ...(until ? { $lt: new Date(until) } : {}) },
  };
}

export async function listDeliveries(models: Models, caller: Caller, query: z.infer<typeof listDeliveriesQuery>) {
  // A window that holds no time: a 422, since the document cannot say that one date comes after another.
  if (query.since && query.until && Date.parse(query.until) <= Date.parse(query.since))
    throw new UnprocessableError('until: must be later than since');
  const page = await paginate<Stored>(models.Delivery, deliveryListFilter(caller, query), query);
  return { data: page.items.map(deliverySummaryView), nextCursor: page.nextCursor };
}

export async function getDelivery(models: Models, caller: Caller, id: DeliveryId) {
  const delivery = await models.Delivery.findOne({ _id: id, ...ownerScope(caller) }).lean();
  if (!delivery) throw new NotFoundError('delivery', id);
  return deliveryView(delivery);
}

/** The deliveries of one event: served by the {eventId, createdAt, _id} index, and FerretDB reads only the event's. */
export function eventDeliveriesFilter(event: { id: EventId; ownerId: OwnerId }) {
  return { eventId: event.id, ownerId: event.ownerId };
}

/** How many of an event's deliveries its page embeds; `GET /v1/deliveries?eventId=` pages through the rest. */
export const EVENT_DELIVERIES_PAGE = 50;

/**
 * The event's newest deliveries, a page of them, and the cursor of the next
 * page of `GET /v1/deliveries?eventId=` (the same filter and order): a fan-out
 * to 100,000 hooks made a single answer of 100,000 summaries.
 */
export async function deliveriesOfEvent(models: Models, event: { id: EventId; ownerId: OwnerId }) {
  const page = await paginate<Stored>(models.Delivery, eventDeliveriesFilter(event), {
    limit: EVENT_DELIVERIES_PAGE,
  });
  return { deliveries: page.items.map(deliverySummaryView), deliveriesNextCursor: page.nextCursor };
}
