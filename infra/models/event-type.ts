import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const EVENT_TYPE_SOURCES = ['catalogue', 'custom'] as const;
export type EventTypeSource = (typeof EVENT_TYPE_SOURCES)[number];

/**
 * A kind of event producers may send and hooks may subscribe to; `_id` is its
 * name. The JSON Schema is kept as a string: its keys (`$schema`, `$ref`,
 * `$defs`, property names with dots) are not all storable as document keys.
 */
const eventTypeSchema = new Schema(
  {
    _id: { type: String, required: true },
    description: { type: String, default: '' },
    /** The JSON Schema (2020-12) that events' `data` must match, serialized; absent means any data. */
    schemaJson: String,
    /** The resource types events of this type may be about; absent means any. */
    resourceTypes: { type: [String], default: undefined },
    /** `catalogue`: seeded by Hookflow; `custom`: registered through the API. */
    source: { type: String, enum: EVENT_TYPE_SOURCES, required: true },
  },
  { timestamps: true, versionKey: false },
);

export type EventType = InferSchemaType<typeof eventTypeSchema>;

export function eventTypeModel(connection: Connection) {
  return connection.model('EventType', eventTypeSchema, 'event_types');
}
