import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Where retention stands in one swept collection (`_id` is its name), read by
 * `_id` at each sweep so that a sweep deletes the hours that expired since the
 * last one instead of searching the collection.
 */
const retentionStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Every hour before this one (`YYYY-MM-DDTHH`) has been deleted. */
    sweptBefore: String,
    /** The records from before `createdHour` existed were given one. */
    undatedStamped: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false },
);

export type RetentionState = InferSchemaType<typeof retentionStateSchema>;

export function retentionStateModel(connection: Connection) {
  return connection.model('RetentionState', retentionStateSchema, 'retention_state');
}
