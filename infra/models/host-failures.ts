import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Failed attempts to one target host in one short bucket of time, added to by
 * every worker (activities/host-breaker.ts): what the breaker sums over its
 * window. `_id` is `<host>|<bucket start ms>`.
 */
const hostFailuresSchema = new Schema(
  {
    _id: { type: String, required: true },
    host: { type: String, required: true },
    bucket: { type: Date, required: true },
    failures: { type: Number, required: true },
  },
  { versionKey: false },
);

// Serves the breaker's sum of one host's recent buckets, and the removal of its old ones.
hostFailuresSchema.index({ host: 1, bucket: 1 });

export type HostFailures = InferSchemaType<typeof hostFailuresSchema>;

export function hostFailuresModel(connection: Connection) {
  return connection.model<HostFailures>('HostFailures', hostFailuresSchema, 'host_failures');
}
