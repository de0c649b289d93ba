import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A target host the breaker paused (`_id` is the host): no attempt goes to it
 * before `pausedUntil`. Written by the pauseHost workflow's activities; read
 * by every worker, and by the API for the hooks' views.
 */
const hostPauseSchema = new Schema(
  {
    _id: { type: String, required: true },
    pausedUntil: { type: Date, required: true },
    /** The failures within the window that tripped it. */
    failures: { type: Number, required: true },
  },
  { timestamps: true, versionKey: false },
);

// Serves the workers' read of the hosts paused now.
hostPauseSchema.index({ pausedUntil: 1 });

export type HostPause = InferSchemaType<typeof hostPauseSchema>;

export function hostPauseModel(connection: Connection) {
  return connection.model<HostPause>('HostPause', hostPauseSchema, 'host_pauses');
}
