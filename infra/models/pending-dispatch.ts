import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { DispatchId, OwnerId } from '../../core/ids';
import type { WithIds } from './with-ids';

/**
 * A dispatch whose events are stored and answered but whose workflow has not
 * started yet (an owner's stream: see EventDispatcher). Written before its
 * first event, deleted once its workflow has started: one that outlives its
 * API process is started by whichever API process finds it
 * (recoverPendingDispatches). Only open and crashed dispatches are here, so
 * the collection stays a handful of documents.
 */
const pendingDispatchSchema = new Schema(
  {
    /** The dispatch id its events name (`dispatchId`). */
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

// Recovery reads the ones left past the age no live dispatch reaches.
pendingDispatchSchema.index({ createdAt: 1 });

export type PendingDispatch = WithIds<
  InferSchemaType<typeof pendingDispatchSchema>,
  { _id: DispatchId; ownerId: OwnerId }
>;

export function pendingDispatchModel(connection: Connection) {
  return connection.model<PendingDispatch>('PendingDispatch', pendingDispatchSchema, 'pending_dispatches');
}
