import { z } from 'zod';
import { ownerIdFor, ownerScope, type Caller } from '../core/caller';
import { deliveriesOfEvent } from './deliveries';
import type { Outcome } from './dispatches';
import { NotFoundError, UnprocessableError } from '../core/errors';
import type { EventDispatcher } from './event-dispatcher';
import { assertEventAccepted, type EventTypeCache } from './event-types';
import { eventKey, idOf, newId, type EventId, type OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import { acceptanceVersionOf } from './owners';
import { paginate, pageQuery } from './pagination';
import { storableObject } from '../core/storable-json';
import { eventView, type NewEvent, type StoredEventRecord } from '../core/stored-events';
import { AcceptanceClock } from '../core/ordering';

/** This process's numbering of the events it accepts, in the order it accepts them (ordered hooks). */
const acceptance = new AcceptanceClock();

/**
 * Producers may name their events (or send an Idempotency-Key), which makes a
 * retried POST harmless. Ids are each owner's own; they never hold a `/` (see eventKey).
 */
export const eventIdInput = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits or _ . : -');

const eventFields = {
  id: eventIdInput.brand<'event'>().optional(),
  type: z.string().min(1).max(128),
  /** Required with the admin key; an owner's key implies its owner. */
  ownerId: z.string().min(1).brand<'owner'>().optional(),
  resourceType: z.string().min(1).max(64).optional(),
  resourceId: z.string().min(1).max(256).optional(),
  /** Ordered hooks (core/ordering.ts) deliver the events of one key in the order they were accepted. */
  orderingKey: z.string().min(1).max(256).optional(),
  data: storableObject(),
};

export const postEventInput = z.strictObject({ ...eventFields, messageId: z.string().min(1).max(256).optional() });

export const postEventBatchInput = z.strictObject({
  messageId: z.string().min(1).max(256),
  events: z.array(z.strictObject(eventFields)).min(1).max(100),
});

export const listEventsQuery = pageQuery.extend({
  type: z.string().optional(),
  ownerId: z.string().brand<'owner'>().optional(),
  messageId: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

/** Whose event an id names: an owner key's own; the admin key names the owner when several sent the id. */
export const eventOwnerQuery = z.object({ ownerId: z.string().min(1).brand<'owner'>().optional() });

export interface EventDependencies {
  models: Models;
  dispatcher: EventDispatcher;
  eventTypes: EventTypeCache;
}

type Stored = StoredEventRecord;

/**
 * Checks everything about an event before anything is written, so that a bad
 * one leaves no trace. Its event type comes from the cache that the owner's
 * acceptanceVersion keys: read with an owner key, else one read by _id.
 */
async function prepare(
  { models, eventTypes }: EventDependencies,
  caller: Caller,
  input: z.infer<typeof postEventInput>,
  id: EventId | undefined,
): Promise<NewEvent> {
  const ownerId = ownerIdFor(caller, input.ownerId);
  const version =
    caller.kind === 'owner' && caller.acceptanceVersion !== undefined
      ? caller.acceptanceVersion
      : await acceptanceVersionOf(models, ownerId);
  await assertEventAccepted(models, input, eventTypes.reader(models, ownerId, version));
  // Numbered once checked: a refused event takes no number, and a batch's events are numbered in its order.
  return { ...input, ownerId, id: id ?? newId('event'), sequence: acceptance.next() };
}

/**
 * Saves the event and starts its delivery, with the other events of its
 * owner that arrive meanwhile (EventDispatcher). Both steps are idempotent,
 * so a producer that retries after a crash between them gets its event
 * delivered once.
 */
export async function acceptEvent(
  deps: EventDependencies,
  caller: Caller,
  input: z.infer<typeof postEventInput>,
  idempotencyKey?: string,
) {
  if (input.id && idempotencyKey && input.id !== idempotencyKey) {
    throw new UnprocessableError('id: differs from the Idempotency-Key header; send one or make them equal');
  }
  // Without an id, the Idempotency-Key names the event.
  const id = input.id ?? (idempotencyKey === undefined ? undefined : idOf('event', idempotencyKey));
  const event = await prepare(deps, caller, input, id);
  const accepted = await deps.dispatcher.accept(event);
  return { event: eventView(accepted.event), created: accepted.created };
}

/**
 * Many events of one dispatch: all are checked first, then stored by one
 * insert and delivered by one workflow. An event whose id holds other content
 * refuses the batch (409) once the others are stored and started, so that a
 * retry with that event fixed completes it. Answers the batch as the API
 * shows it, and how many of its events were new (not posted before).
 */
export async function acceptEventBatch(
  deps: EventDependencies,
  caller: Caller,
  input: z.infer<typeof postEventBatchInput>,
) {
  const ids = input.events.map((e) => e.id).filter(Boolean);
  if (new Set(ids).size !== ids.length) throw new UnprocessableError('events: two events share an id');
  const prepared = [];
  for (const [index, event] of input.events.entries()) {
    try {
      prepared.push(await prepare(deps, caller, { ...event, messageId: input.messageId }, event.id));
    } catch (error) {
      if (error instanceof UnprocessableError || error instanceof NotFoundError) {
        throw new UnprocessableError(`events.${index}: ${error.message}`, error.details);
      }
      throw error;
    }
  }
  // A dispatch is one owner's: the admin key may send a batch for several.
  const owners = new Map<string, NewEvent[]>();
  for (const event of prepared) owners.set(event.ownerId, [...(owners.get(event.ownerId) ?? []), event]);
  const byEvent = new Map<NewEvent, Outcome>();
  await Promise.all(
    [...owners.values()].map(async (events) => {
      const outcomes = await deps.dispatcher.acceptTogether(events);
      outcomes.forEach((outcome, index) => events[index] && byEvent.set(events[index], outcome));
    }),
  );
  const accepted = [];
  let created = 0;
  for (const event of prepared) {
    const outcome = byEvent.get(event);
    if (!outcome) throw new Error('A dispatch answered fewer outcomes than it had events');
    if ('refused' in outcome) throw outcome.refused;
    accepted.push(eventView(outcome.accepted.event));
    if (outcome.accepted.created) created += 1;
  }
  return { answer: { messageId: input.messageId, events: accepted }, created };
}

/**
 * The event an id names for the caller: an owner key's own; with the admin
 * key, that of the owner `ownerId` names, or of the only owner that sent it.
 */
export async function findEvent(models: Models, caller: Caller, id: EventId, ownerId?: OwnerId): Promise<Stored> {
  if (caller.kind === 'admin' && !ownerId) return findEventOfAnyOwner(models, id);
  const event = await models.Event.findById(eventKey(ownerIdFor(caller, ownerId), id)).lean();
  if (!event) throw new NotFoundError('event', id);
  return event;
}

/** The admin sees every owner's events, but must say whose it means when several owners sent the id. */
async function findEventOfAnyOwner(models: Models, id: EventId): Promise<Stored> {
  const [event, other] = await models.Event.find({ id }).limit(2).lean();
  if (!event) throw new NotFoundError('event', id);
  if (other) {
    throw new UnprocessableError(
      `ownerId: required, since more than one owner has an event ${JSON.stringify(id)} (${event.ownerId} and ${other.ownerId} among them)`,
    );
  }
  return event;
}

export async function getEventWithDeliveries(
  models: Models,
  caller: Caller,
  id: EventId,
  query: z.infer<typeof eventOwnerQuery>,
) {
  const event = await findEvent(models, caller, id, query.ownerId);
  return { ...eventView(event), ...(await deliveriesOfEvent(models, event)) };
}

/** What a page of events matches: equalities beside a `createdAt` window, each combination indexed (models/event.ts). */
export function eventListFilter(caller: Caller, query: z.infer<typeof listEventsQuery>) {
  const createdAt = {
    ...(query.since ? { $gte: new Date(query.since) } : {}),
    ...(query.until ? { $lt: new Date(query.until) } : {}),
  };
  return {
    ...(query.ownerId ? { ownerId: query.ownerId } : {}),
    ...ownerScope(caller),
    ...(query.type ? { type: query.type } : {}),
    ...(query.messageId ? { messageId: query.messageId } : {}),
    ...(Object.keys(createdAt).length ? { createdAt } : {}),
  };
}

export async function listEvents(models: Models, caller: Caller, query: z.infer<typeof listEventsQuery>) {
  const page = await paginate<Stored>(models.Event, eventListFilter(caller, query), query);
  return { data: page.items.map(eventView), nextCursor: page.nextCursor };
}
