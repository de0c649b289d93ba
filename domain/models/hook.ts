import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

const httpTargetSchema = new Schema(
  {
    type: { type: String, enum: ['http'], required: true },
    url: { type: String, required: true },
    method: { type: String, enum: HTTP_METHODS, default: 'POST' },
  },
  { _id: false },
);

/** A subscriber: which events it wants and where they go. */
const hookSchema = new Schema(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    name: { type: String, required: true },
    /** Exact event names, `prefix.*` patterns or `*`; see event-patterns.ts. */
    events: { type: [String], required: true },
    target: { type: httpTargetSchema, required: true },
    status: { type: String, enum: ['enabled', 'disabled'], default: 'enabled' },
  },
  { timestamps: true, versionKey: false },
);

// Serves the fan-out query: an owner's enabled hooks subscribed to one of a few keys, in id order.
hookSchema.index({ ownerId: 1, status: 1, events: 1, _id: 1 });

export type Hook = InferSchemaType<typeof hookSchema>;

export function hookModel(connection: Connection) {
  return connection.model('Hook', hookSchema, 'hooks');
}
