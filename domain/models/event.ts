import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Something that happened at a producer, kept as received. */
const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    ownerId: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);

eventSchema.index({ ownerId: 1, createdAt: 1 });

export type StoredEvent = InferSchemaType<typeof eventSchema>;

export function eventModel(connection: Connection) {
  return connection.model('Event', eventSchema, 'events');
}
