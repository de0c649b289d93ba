import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { sweptByRetention } from './swept-by-retention';
import type { DeliveryId, EventId, HookId, OwnerId, ReplayId } from '../../core/ids';
import { DELIVERY_STATUSES } from './delivery';
import type { WithIds } from './with-ids';

export const REPLAY_KINDS = ['delivery', 'event', 'recovery'] as const;
export const REPLAY_STATUSES = ['running', 'completed', 'cancelled'] as const;

/**
 * A request to deliver again: one delivery, one event to its hooks, or what a
 * hook missed in a window. Its deliveries are new records that carry its id;
 * the ones it does again stay as they were.
 */
const replaySchema = new Schema(
  {
    /** Derived from the Idempotency-Key when one is given, so that a repeated request finds the first. */
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    kind: { type: String, enum: REPLAY_KINDS, required: true },
    status: { type: String, enum: REPLAY_STATUSES, default: 'running' },
    /** `delivery`: the one to do again. */
    deliveryId: String,
    /** `event`: the event, and optionally which of its hooks. */
    eventId: String,
    hookIds: { type: [String], default: undefined },
    /** `event`: also the hooks subscribed now that did not exist (or did not match) then. */
    includeNewHooks: Boolean,
    /** `recovery`: the hook, the window of creation and the statuses to do again. */
    hookId: String,
    since: Date,
    until: Date,
    statuses: { type: [String], enum: DELIVERY_STATUSES, default: undefined },
    /** How many deliveries a second at most. */
    ratePerSecond: { type: Number, required: true },
    /** How many deliveries it set out to make, counted when it was created. */
    total: { type: Number, required: true },
    finishedAt: Date,
  },
  { timestamps: true, versionKey: false },
);

replaySchema.plugin(sweptByRetention);
export type Replay = WithIds<
  InferSchemaType<typeof replaySchema>,
  {
    _id: ReplayId;
    ownerId: OwnerId;
    deliveryId?: DeliveryId | null;
    eventId?: EventId | null;
    hookIds?: HookId[] | null;
    hookId?: HookId | null;
  }
>;

export function replayModel(connection: Connection) {
  return connection.model<Replay>('Replay', replaySchema, 'replays');
}
