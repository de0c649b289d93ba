import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { FailureKind } from '../../core/attempt-stats';
import type { HookId, OwnerId } from '../../core/ids';
import type { WithIds } from './with-ids';

/**
 * What was recorded of a hook's attempts in some span of time, as counters
 * that add up: `failures` by kind (core/attempt-stats.ts FAILURE_KINDS),
 * `durations` by bucket (`b0`, `b1`, ...: DURATION_BOUNDS_MS). Keys are
 * absent while zero.
 */
export interface AttemptCounts {
  attempts?: number;
  successes?: number;
  failures?: Partial<Record<FailureKind, number>>;
  durations?: Record<string, number>;
}

/** A minute's key among an hour's `minutes`: `m00` to `m59` (a letter first: a digit would read as an array index). */
export function minuteKey(minute: number): string {
  return `m${String(minute).padStart(2, '0')}`;
}

/** How long an hour of a hook's counters is kept: the longest window (7d), and a day to spare. */
export const HOOK_STATS_KEPT_MS = 8 * 24 * 3_600_000;

/**
 * One hook's counters for one UTC hour (`_id` is `<hookId>|<hour's ISO
 * start>`): the hour's totals in `counts`, and each of its minutes in
 * `minutes`, both incremented by the same `$inc` (activities/hook-stats.ts).
 * The rollup is the document itself: a 7-day window reads 169 of them per
 * hook (the first with its minutes, the rest without), never 10,080 minute
 * documents, and nothing has to roll minutes up later. Expired by MongoDB's
 * TTL monitor at `expiresAt` (HOOK_STATS_KEPT_MS after the hour), in
 * production. FerretDB 1.24 has no TTL indexes: a development store keeps
 * them (the windows never read past 7 days, but a hook's reads there grow with its age).
 */
const hookStatsSchema = new Schema(
  {
    _id: { type: String, required: true },
    hookId: { type: String, required: true },
    ownerId: { type: String, required: true },
    hour: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    counts: { type: Schema.Types.Mixed, default: undefined },
    minutes: { type: Schema.Types.Mixed, default: undefined },
    lastSuccessAt: Date,
    /**
     * `<ISO time> <reason>`, kept with `$max`: ISO times sort as the times
     * they name, so the latest failure wins whatever order the workers write in.
     */
    lastFailure: String,
  },
  { versionKey: false },
);

// Serve one hook's hours from a window's first (GET /v1/hooks/:id/stats), and an owner's (GET /v1/stats).
hookStatsSchema.index({ hookId: 1, hour: 1 });
hookStatsSchema.index({ ownerId: 1, hour: 1 });
// Last: FerretDB 1.24 refuses TTL indexes, after making the ones before (infra/mongo.ts syncIndexes).
hookStatsSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type HookStats = WithIds<
  InferSchemaType<typeof hookStatsSchema>,
  { _id: string; hookId: HookId; ownerId: OwnerId; counts?: AttemptCounts; minutes?: Record<string, AttemptCounts> }
>;

/** The document's id: one per hook and hour. */
export function hookStatsId(hookId: HookId, hour: Date): string {
  return `${hookId}|${hour.toISOString()}`;
}

export function hookStatsModel(connection: Connection) {
  return connection.model<HookStats>('HookStats', hookStatsSchema, 'hook_stats');
}
