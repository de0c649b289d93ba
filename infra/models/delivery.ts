import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { DeliveryId, EventId, HookId, OwnerId, ReplayId } from '../../core/ids';
import { sweptByRetention } from './swept-by-retention';
import type { WithIds } from './with-ids';

/**
 * `pending` waits in its hook's lane for its first attempt (at `nextAttemptAt`
 * or later); `retrying` waits for `nextAttemptAt`; `failed` gave up; `paused` waits for
 * its disabled hook to be enabled again; `cancelled` lost its hook for good.
 */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'retrying', 'failed', 'paused', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A list, not an object: header names may hold dots and dollars, which MongoDB keys may not. */
const responseHeaderSchema = new Schema(
  { name: { type: String, required: true }, value: { type: String, required: true } },
  { _id: false },
);

/** One try at handing an event to a hook's target, as the target answered it. */
const attemptSchema = new Schema(
  {
    startedAt: { type: Date, required: true },
    durationMs: { type: Number, required: true },
    statusCode: Number,
    /** Why no usable answer came back: `timeout`, `connection`, ... */
    errorKind: String,
    errorMessage: String,
    /** The answer's headers, bounded (see targets/sending/outcome.ts). */
    responseHeaders: { type: [responseHeaderSchema], default: undefined },
    /** The first bytes of the answer, enough to debug, never the whole body. */
    responseBody: String,
  },
  { _id: false },
);

/** One record per (event, hook): see deliveryId() for why the id is deterministic. */
const deliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    /** The event's type, kept on the delivery to filter by it; deliveries recorded before it was have none. */
    eventType: String,
    hookId: { type: String, required: true },
    ownerId: { type: String, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    nextAttemptAt: Date,
    /**
     * The hook's lane (workflows/hook-lane.ts) sends it, not a retry workflow of its own: set on a paced hook's
     * deliveries, and on those handed to the lane later (a hook that became paced, a resume).
     */
    inLane: Boolean,
    /**
     * An ordered hook's delivery (core/ordering.ts): its key's lane sends it, after every delivery of the key whose
     * event has a lower `sequence` (the event's) is done. The key is '' for events that carry none.
     */
    orderingKey: String,
    sequence: Number,
    /** Attempts made before the last resume: the retry schedule starts over after them. */
    attemptsBeforeResume: { type: Number, default: 0 },
    /** The resume page that last put it back on its way (see resumePausedPage). */
    resumeClaim: String,
    /** A replay's delivery: the replay, and the delivery it does again (none for a hook new to the event). */
    replayId: String,
    replayOf: String,
    /** A later replay's delivery does this one again (and that replay): recoveries pass over it, so nothing is sent twice. */
    supersededBy: String,
    supersededByReplay: String,
    /** Why the delivery ended without success, in words for the owner. */
    failureReason: String,
    attempts: { type: [attemptSchema], default: [] },
  },
  { timestamps: true, versionKey: false },
);

/*
 * Which index serves which hot query on MongoDB (each query shape is a named function the code calls, so that
 * an explain can run the code's own query). FerretDB 1.24 pushes down only top-level equalities, so each shape
 * has equalities that select few rows.
 * - deliveryListFilter + PAGE_SORT (GET /v1/deliveries): `{}` by {createdAt, _id}; `{status}` by
 *   {status, createdAt, _id}; `{ownerId[, status]}` by {ownerId[, status], createdAt, _id};
 *   `{[ownerId,] hookId[, status]}` by {hookId[, status], createdAt, _id}; `{[ownerId,] eventId}` (and
 *   eventDeliveriesFilter, GET /v1/events/:id's first page) by {eventId, createdAt, _id}; with `eventType` (the
 *   portal's filter), `{[ownerId,] hookId, eventType[, status]}` by {hookId, eventType, createdAt, _id} and
 *   `{ownerId, eventType[, status]}` by {ownerId, eventType, createdAt, _id}, the status checked on the entries
 *   read (an index with status too would be rewritten at every change of a delivery's status, for a filter
 *   people use in the portal). `since` and `until` bound createdAt, the key the page sorts on, so each of these
 *   serves them too.
 * - recordedDeliveriesFilter (what a retried fan-out or replay page recorded): the _id index.
 * - laneDeliveriesOf + nextInLane's sort (a lane's next deliveries, due first, then oldest):
 *   {hookId, status, inLane, nextAttemptAt, createdAt, _id}.
 * - keyDeliveriesOf + headOfKey's sort (an ordered lane's next delivery): {hookId, orderingKey, status, sequence}.
 * - expiredHourFilter, cutoffHourFilter (retention): {createdHour, createdAt}, see sweptByRetention.
 */
deliverySchema.index({ createdAt: -1, _id: -1 });
deliverySchema.index({ status: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ ownerId: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ ownerId: 1, status: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ hookId: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ hookId: 1, status: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ eventId: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ hookId: 1, eventType: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ ownerId: 1, eventType: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ hookId: 1, status: 1, inLane: 1, nextAttemptAt: 1, createdAt: 1, _id: 1 });
deliverySchema.index({ hookId: 1, orderingKey: 1, status: 1, sequence: 1 });
deliverySchema.index({ eventId: 1, hookId: 1 });
deliverySchema.index({ replayId: 1, _id: 1 });
deliverySchema.plugin(sweptByRetention);

export type Delivery = WithIds<
  InferSchemaType<typeof deliverySchema>,
  {
    _id: DeliveryId;
    eventId: EventId;
    hookId: HookId;
    ownerId: OwnerId;
    replayId?: ReplayId | null;
    replayOf?: DeliveryId | null;
    supersededBy?: DeliveryId | null;
    supersededByReplay?: ReplayId | null;
  }
>;
/** As stored and read lean: the headers as a plain list. */
export type Attempt = Omit<InferSchemaType<typeof attemptSchema>, 'responseHeaders'> & {
  responseHeaders?: { name: string; value: string }[] | null;
};

export function deliveryModel(connection: Connection) {
  return connection.model<Delivery>('Delivery', deliverySchema, 'deliveries');
}
