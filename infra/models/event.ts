import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { DispatchId, EventId, EventKey, OwnerId } from '../../core/ids';
import { sweptByRetention } from './swept-by-retention';
import type { WithIds } from './with-ids';

/** Something that happened at a producer, kept as received. */
const eventSchema = new Schema(
  {
    /** eventKey(ownerId, id): ids are the producer's own within each owner. */
    _id: { type: String, required: true },
    /** The producer's id (or the one generated for it), as the API shows it. */
    id: { type: String, required: true },
    type: { type: String, required: true },
    ownerId: { type: String, required: true },
    /** What the event is about (Creads' resource_type and resource_gid). */
    resourceType: String,
    resourceId: String,
    /** Ordered hooks deliver the events of one key in `sequence` order (core/ordering.ts). */
    orderingKey: String,
    sequence: Number,
    /** Shared by the events of one dispatch, as push services report batched sends. */
    messageId: String,
    data: { type: Schema.Types.Mixed, required: true },
    /** The dispatch that stored it (group commit): a retried post starts that dispatch's workflow again. */
    dispatchId: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);

eventSchema.plugin(sweptByRetention);
// GET /v1/events: an owner's page, the admin's, and each with ?type= (PAGE_SORT after the equalities).
eventSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });
eventSchema.index({ createdAt: -1, _id: -1 });
eventSchema.index({ ownerId: 1, type: 1, createdAt: -1, _id: -1 });
eventSchema.index({ type: 1, createdAt: -1, _id: -1 });
eventSchema.index({ messageId: 1 }, { sparse: true });
// A dispatch is rebuilt from its events when a producer retries a post whose workflow start failed, and an
// ordered lane reads the events of a dispatch still being fanned out (activities/ordered-lane.ts).
eventSchema.index({ dispatchId: 1 }, { sparse: true });
// The admin key reads an event by its producer's id without naming the owner; the _id keeps (ownerId, id) unique.
eventSchema.index({ id: 1 });

export type StoredEvent = WithIds<
  InferSchemaType<typeof eventSchema>,
  { _id: EventKey; id: EventId; ownerId: OwnerId; dispatchId?: DispatchId | null }
>;

export function eventModel(connection: Connection) {
  return connection.model<StoredEvent>('Event', eventSchema, 'events');
}
