import { isDeepStrictEqual } from 'node:util';
import { mongo } from 'mongoose';
import { MAX_EVENTS_PER_DISPATCH } from '../shared/dispatch';
import { KEYWORD_LIST_BUDGET_BYTES } from '../shared/temporal-names';
import { eventsOfDispatch, startDispatch, type DispatchDependencies } from '../records/dispatch-start';
import { ConflictError } from '../core/errors';
import { createdHourOf } from '../core/created-hour';
import { eventKey, newId, type DispatchId } from '../core/ids';
import type { Models } from '../infra/models';
import type { NewEvent, StoredEventRecord } from '../core/stored-events';

/**
 * Storing and starting dispatches (group commit, issue 13). A dispatch of an
 * owner at rest is committed: its events go in with one insertMany, each
 * naming the dispatch, then one workflow start delivers them, and only then
 * are they answered. A dispatch of an owner's stream stays open a while
 * (EventDispatcher): recorded as pending first, its events are stored and
 * answered as they come, and its workflow starts once it closes. Every step
 * is idempotent per event: a producer that retries a post whose first attempt
 * crashed before its dispatch started starts that dispatch again (at once if
 * committed, from its pending record if open), and REJECT_DUPLICATE keeps it
 * to one workflow.
 */

/** What became of one event of a dispatch: stored now (`created`), or found stored before with the same content. */
export type Accepted = { event: StoredEventRecord; created: boolean };
export type Outcome = { accepted: Accepted } | { refused: Error };

const DUPLICATE_KEY = 11000;

/**
 * How many of `events` (from the first) one dispatch can hold: at most
 * MAX_EVENTS_PER_DISPATCH, and as many as their keys fit in EventIds; never
 * fewer than one.
 */
export function dispatchSize(events: readonly NewEvent[]): number {
  let bytes = 2; // []
  let count = 0;
  for (const event of events.slice(0, MAX_EVENTS_PER_DISPATCH)) {
    bytes += Buffer.byteLength(JSON.stringify(eventKey(event.ownerId, event.id))) + (count > 0 ? 1 : 0);
    if (count > 0 && bytes > KEYWORD_LIST_BUDGET_BYTES) break;
    count += 1;
  }
  return count;
}

function sameContent(stored: StoredEventRecord, event: NewEvent): boolean {
  return (
    stored.type === event.type &&
    stored.ownerId === event.ownerId &&
    (stored.resourceType ?? undefined) === event.resourceType &&
    (stored.resourceId ?? undefined) === event.resourceId &&
    (stored.orderingKey ?? undefined) === event.orderingKey &&
    (stored.messageId ?? undefined) === event.messageId &&
    isDeepStrictEqual(stored.data, event.data)
  );
}

/** Creates a record, unless it is there already (a duplicate key). */
async function createUnlessThere(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY)) throw error;
  }
}

/**
 * Records that the dispatch's fan-out is to come, before any of its events is
 * stored (models/fan-out-pending.ts): ordered lanes wait for its events.
 */
function recordFanOutPending(models: Models, dispatchId: DispatchId, ownerId: NewEvent['ownerId']): Promise<void> {
  return createUnlessThere(() => models.FanOutPending.create({ _id: dispatchId, ownerId }));
}

/**
 * Inserts every event that is new (ordered: false, so that a duplicate does
 * not stop the others) and answers, by position, the record of each one
 * inserted. Any error but duplicate keys is thrown: the caller answers 503 and
 * the producer's retry finds what was stored. The plain driver, not mongoose:
 * the events are checked already, and mongoose's casting cost 0.81-1.05 ms of
 * API CPU per single-event insert against 0.50-0.64 ms (1,500 inserts each,
 * FerretDB on PostgreSQL).
 */
async function insertEvents(models: Models, dispatchId: DispatchId, events: NewEvent[]) {
  const createdAt = new Date();
  const records: StoredEventRecord[] = events.map((event) => ({
    _id: eventKey(event.ownerId, event.id),
    ...event,
    dispatchId,
    createdAt,
    // What retention deletes by (see created-hour.ts); mongoose would set it, the plain driver does not.
    createdHour: createdHourOf(createdAt),
  }));
  try {
    // mongoose types its collection for ObjectId keys; ours are strings (eventKey).
    const collection = models.Event.collection as unknown as mongo.Collection<StoredEventRecord>;
    await collection.insertMany(records, { ordered: false });
    return records;
  } catch (error) {
    if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
    const writeErrors = [error.writeErrors].flat();
    if (!writeErrors.every((e) => e.code === DUPLICATE_KEY)) throw error;
    // Every other event must have gone in; a count that says otherwise is an answer we cannot trust.
    if (error.result.insertedCount !== records.length - writeErrors.length) throw error;
    const duplicates = new Set(writeErrors.map((e) => e.index));
    return records.map((record, index) => (duplicates.has(index) ? undefined : record));
  }
}

/**
 * How old a pending dispatch must be before an API process other than its own
 * starts it: far past the time a dispatch stays open (a fraction of a second)
 * and its inserts take to settle, so that every event it holds is stored by
 * then and the workflow delivers them all.
 */
export const ORPHANED_AFTER_MS = 5 * 60_000;

/**
 * Starts a dispatch's workflow and deletes its pending record, if it has one.
 * `stored` is every event it holds, when the API process that held it open
 * knows them; otherwise (one of its inserts failed, it is an orphan, or a
 * producer's retry asks) they are read back.
 */
export async function startPendingDispatch(
  deps: DispatchDependencies,
  dispatchId: DispatchId,
  stored?: StoredEventRecord[],
): Promise<void> {
  const events = stored ?? (await eventsOfDispatch(deps.models, dispatchId));
  await startDispatch(deps, dispatchId, events);
  await deps.models.PendingDispatch.deleteOne({ _id: dispatchId });
}

/**
 * Starts the dispatch a retried event was stored in, unless it is open and
 * will start anyway: a committed one may never have started (its first post
 * crashed after the insert), an orphaned open one has lost its API process.
 */
async function restartDispatchOf(deps: DispatchDependencies, stored: StoredEventRecord): Promise<void> {
  // Events stored before group commit name no dispatch: each was its own.
  if (!stored.dispatchId) return startDispatch(deps, undefined, [stored]);
  const pending = await deps.models.PendingDispatch.findById(stored.dispatchId).lean();
  const open = pending && Date.now() - pending.createdAt.getTime() < ORPHANED_AFTER_MS;
  if (!open) await startPendingDispatch(deps, stored.dispatchId);
}

/**
 * An event whose id was stored before: the same content is the producer's
 * retry, whose recorded dispatch is started again if need be
 * (restartDispatchOf); other content is a conflict.
 */
async function acceptDuplicate(deps: DispatchDependencies, event: NewEvent, storingIn: DispatchId): Promise<Outcome> {
  const stored = await deps.models.Event.findById(eventKey(event.ownerId, event.id)).lean<StoredEventRecord>();
  if (!stored) throw new Error(`Event ${event.id} was a duplicate key but is not stored`);
  if (!sameContent(stored, event)) {
    return { refused: new ConflictError(`Event ${event.id} already exists with different content`) };
  }
  if (stored.dispatchId !== storingIn) await restartDispatchOf(deps, stored);
  return { accepted: { event: stored, created: false } };
}

/** What became of each event, by position: inserted now, or found stored before (acceptDuplicate). */
function outcomesOf(
  deps: DispatchDependencies,
  dispatchId: DispatchId,
  events: NewEvent[],
  inserted: (StoredEventRecord | undefined)[],
): Promise<Outcome[]> {
  return Promise.all(
    events.map(async (event, index): Promise<Outcome> => {
      const record = inserted[index];
      if (record) return { accepted: { event: record, created: true } };
      return acceptDuplicate(deps, event, dispatchId).catch((error: unknown) => ({ refused: error as Error }));
    }),
  );
}

/**
 * Stores `events` (of one owner, at most dispatchSize(events)) as one
 * dispatch and starts its workflow; answers, by position, what became of each
 * once its workflow has started, so that an accepted event is durable.
 */
export async function commitDispatch(deps: DispatchDependencies, events: NewEvent[]): Promise<Outcome[]> {
  const [first] = events;
  if (!first) return [];
  const dispatchId = newId('dispatch');
  await recordFanOutPending(deps.models, dispatchId, first.ownerId);
  const inserted = await insertEvents(deps.models, dispatchId, events);
  await startDispatch(
    deps,
    dispatchId,
    inserted.filter((record) => record !== undefined),
  );
  return outcomesOf(deps, dispatchId, events, inserted);
}

/**
 * Stores `events` (of one owner) in an open dispatch whose workflow starts
 * when it closes (startPendingDispatch); answers, by position, once they are
 * stored, which makes them durable: until the dispatch is recorded as pending
 * (`recordPending`, before its first events), nothing of it is stored.
 */
export async function storeInOpenDispatch(
  deps: DispatchDependencies,
  dispatchId: DispatchId,
  events: NewEvent[],
  recordPending: boolean,
): Promise<Outcome[]> {
  const [first] = events;
  if (!first) return [];
  if (recordPending) {
    // Two inserts of one dispatch may both open it: the records are there either way.
    await Promise.all([
      createUnlessThere(() => deps.models.PendingDispatch.create({ _id: dispatchId, ownerId: first.ownerId })),
      recordFanOutPending(deps.models, dispatchId, first.ownerId),
    ]);
  }
  const inserted = await insertEvents(deps.models, dispatchId, events);
  return outcomesOf(deps, dispatchId, events, inserted);
}

/**
 * Starts the dispatches whose API process died while they were open (none
 * younger than ORPHANED_AFTER_MS), at most `limit` of them; answers how many.
 */
export async function recoverPendingDispatches(deps: DispatchDependencies, limit = 100): Promise<number> {
  const orphans = await deps.models.PendingDispatch.find({
    createdAt: { $lt: new Date(Date.now() - ORPHANED_AFTER_MS) },
  })
    .limit(limit)
    .lean();
  for (const orphan of orphans) await startPendingDispatch(deps, orphan._id);
  return orphans.length;
}
