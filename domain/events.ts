import { isDeepStrictEqual } from 'node:util';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { ownerIdFor, ownerScope, type Caller } from './caller';
import { DISPATCH_WORKFLOW, INLINE_CONTENT_LIMIT, type DeliverDispatchInput, type DispatchedEvent } from './dispatch';
import { ConflictError, NotFoundError, UnprocessableError } from './errors';
import { assertEventAccepted } from './event-types';
import { eventKey, newId } from './ids';
import type { Models } from './models';
import type { StoredEvent } from './models/event';
import { assertOwnerExists } from './owners';
import { paginate, pageQuery } from './pagination';
import { storableObject } from './storable-json';
import { eventWorkflowId, SEARCH_ATTRIBUTES } from './temporal-names';
import { deliveriesOfEvent } from './deliveries';

/**
 * Producers may name their events (or send an Idempotency-Key), which makes a
 * retried POST harmless. Ids are each owner's own; they never hold a `/` (see eventKey).
 */
export const eventIdInput = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits or _ . : -');

const eventFields = {
  id: eventIdInput.optional(),
  type: z.string().min(1).max(128),
  /** Required with the admin key; an owner's key implies its owner. */
  ownerId: z.string().min(1).optional(),
  resourceType: z.string().min(1).max(64).optional(),
  resourceId: z.string().min(1).max(256).optional(),
  data: storableObject(),
};

export const postEventInput = z.strictObject({ ...eventFields, messageId: z.string().min(1).max(256).optional() });

export const postEventBatchInput = z.strictObject({
  messageId: z.string().min(1).max(256),
  events: z.array(z.strictObject(eventFields)).min(1).max(100),
});

export const listEventsQuery = pageQuery.extend({
  type: z.string().optional(),
  ownerId: z.string().optional(),
  messageId: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

/** Whose event an id names: an owner key's own; the admin key names the owner when several sent the id. */
export const eventOwnerQuery = z.object({ ownerId: z.string().min(1).optional() });

export interface EventDependencies {
  models: Models;
  temporal: Client;
  taskQueue: string;
}

type Stored = StoredEvent & { _id: string; createdAt: Date };
type NewEvent = Omit<z.infer<typeof postEventInput>, 'id' | 'ownerId'> & { id: string; ownerId: string };

export function eventView(event: Stored) {
  return {
    id: event.id,
    type: event.type,
    ownerId: event.ownerId,
    resourceType: event.resourceType ?? undefined,
    resourceId: event.resourceId ?? undefined,
    messageId: event.messageId ?? undefined,
    data: event.data as unknown,
    createdAt: event.createdAt,
  };
}

function sameContent(stored: Stored, event: NewEvent): boolean {
  return (
    stored.type === event.type &&
    stored.ownerId === event.ownerId &&
    (stored.resourceType ?? undefined) === event.resourceType &&
    (stored.resourceId ?? undefined) === event.resourceId &&
    (stored.messageId ?? undefined) === event.messageId &&
    isDeepStrictEqual(stored.data, event.data)
  );
}

/**
 * Inserts the event, or finds the same event already there. The unique _id,
 * the owner's key of the id, decides races: of fifty identical concurrent
 * posts, one inserts and the others find it. A different event under that id
 * from the same owner is a conflict; another owner's id is none of its business.
 */
async function storeOnce(models: Models, event: NewEvent): Promise<{ event: Stored; created: boolean }> {
  const key = eventKey(event.ownerId, event.id);
  try {
    return { event: (await models.Event.create({ _id: key, ...event })).toObject(), created: true };
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    const existing = await models.Event.findById(key).lean();
    if (!existing) throw error;
    if (!sameContent(existing, event)) {
      throw new ConflictError(`Event ${event.id} already exists with different content`);
    }
    return { event: existing, created: false };
  }
}

/** The event as its dispatch carries it: with its content, unless that is too large to travel in the workflow's input. */
function dispatchedEvent(event: Stored): DispatchedEvent {
  const content = { ...eventView(event), createdAt: event.createdAt.toISOString() };
  const small = Buffer.byteLength(JSON.stringify(content)) <= INLINE_CONTENT_LIMIT;
  return small ? { eventKey: event._id, content } : { eventKey: event._id };
}

async function startDelivery({ temporal, taskQueue }: EventDependencies, event: Stored): Promise<void> {
  try {
    const dispatch: DeliverDispatchInput = { ownerId: event.ownerId, events: [dispatchedEvent(event)] };
    await temporal.workflow.start(DISPATCH_WORKFLOW, {
      workflowId: eventWorkflowId(event._id),
      taskQueue,
      // A closed workflow for this event means it was handled; never run it twice.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [dispatch],
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.ownerId, value: event.ownerId },
        { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Checks everything about an event before anything is written, so that a bad one leaves no trace. */
async function prepare(models: Models, caller: Caller, input: z.infer<typeof postEventInput>, id: string | undefined) {
  const ownerId = ownerIdFor(caller, input.ownerId);
  await assertOwnerExists(models, ownerId);
  await assertEventAccepted(models, input);
  return { ...input, ownerId, id: id ?? newId('event') };
}

/**
 * Saves the event, then starts its delivery workflow. Both steps are
 * idempotent, so a producer that retries after a crash between them gets its
 * event delivered once.
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
  const event = await prepare(deps.models, caller, input, input.id ?? idempotencyKey);
  const stored = await storeOnce(deps.models, event);
  await startDelivery(deps, stored.event);
  return { event: eventView(stored.event), created: stored.created };
}

/** Many events of one dispatch: all are checked first, then each is accepted as acceptEvent would. */
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
      prepared.push(await prepare(deps.models, caller, { ...event, messageId: input.messageId }, event.id));
    } catch (error) {
      if (error instanceof UnprocessableError || error instanceof NotFoundError) {
        throw new UnprocessableError(`events.${index}: ${error.message}`, error.details);
      }
      throw error;
    }
  }
  const accepted = [];
  for (const event of prepared) {
    const stored = await storeOnce(deps.models, event);
    await startDelivery(deps, stored.event);
    accepted.push(eventView(stored.event));
  }
  return { messageId: input.messageId, events: accepted };
}

/**
 * The event an id names for the caller: an owner key's own; with the admin
 * key, that of the owner `ownerId` names, or of the only owner that sent it.
 */
export async function findEvent(models: Models, caller: Caller, id: string, ownerId?: string): Promise<Stored> {
  if (caller.kind === 'admin' && !ownerId) return findEventOfAnyOwner(models, id);
  const event = await models.Event.findById(eventKey(ownerIdFor(caller, ownerId), id)).lean();
  if (!event) throw new NotFoundError('event', id);
  return event;
}

/** The admin sees every owner's events, but must say whose it means when several owners sent the id. */
async function findEventOfAnyOwner(models: Models, id: string): Promise<Stored> {
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
  id: string,
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
