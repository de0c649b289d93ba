import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { DispatchId, OwnerId } from '../../core/ids';
import type { WithIds } from './with-ids';

/**
 * A dispatch whose events are stored but whose fan-out has not gone through
 * all their hooks yet: written with its first events (before they are
 * answered), deleted by its workflow once every hook has its delivery
 * (activities/fanned-out.ts). An ordered hook's lane holds a later event's
 * delivery back while an earlier event of its key is in one of these
 * (activities/ordered-lane.ts). A document per dispatch rather than a mark
 * on each of its events: clearing those took an updateMany per dispatch,
 * which FerretDB 1.24 runs as one transaction per document it changes.
 */
const fanOutPendingSchema = new Schema(
  {
    /** The dispatch id its events name (`dispatchId`). */
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

// A lane reads its owner's: the dispatches under way now, a few at a time.
fanOutPendingSchema.index({ ownerId: 1 });

export type FanOutPending = WithIds<InferSchemaType<typeof fanOutPendingSchema>, { _id: DispatchId; ownerId: OwnerId }>;

export function fanOutPendingModel(connection: Connection) {
  return connection.model<FanOutPending>('FanOutPending', fanOutPendingSchema, 'fan_outs_pending');
}
