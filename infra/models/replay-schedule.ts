import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { HookId, OwnerId, ReplayScheduleId } from '../../core/ids';
import { DELIVERY_STATUSES } from './delivery';
import type { WithIds } from './with-ids';

/**
 * A recovery that runs on a Temporal Schedule: at each tick, what a hook (or
 * every hook of the owner) missed in the window before the tick goes out again.
 */
const replayScheduleSchema = new Schema(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    /** One hook, or every enabled hook of the owner when absent. */
    hookId: String,
    cron: String,
    every: String,
    /** How far back each run looks, from its tick. */
    window: { type: String, required: true },
    statuses: { type: [String], enum: DELIVERY_STATUSES, required: true },
    ratePerSecond: { type: Number, required: true },
    paused: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false },
);

replayScheduleSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });

export type ReplaySchedule = WithIds<
  InferSchemaType<typeof replayScheduleSchema>,
  { _id: ReplayScheduleId; ownerId: OwnerId; hookId?: HookId | null }
>;

export function replayScheduleModel(connection: Connection) {
  return connection.model<ReplaySchedule>('ReplaySchedule', replayScheduleSchema, 'replay_schedules');
}
