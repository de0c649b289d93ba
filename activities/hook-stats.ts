import { mongo, type AnyBulkWriteOperation } from 'mongoose';
import { durationBucketOf, failureKindOf } from '../core/attempt-stats';
import { bulkWriteInCommands, type BulkCounts } from '../infra/bulk-writes';
import type { Models } from '../infra/models';
import { HOOK_STATS_KEPT_MS, hookStatsId, minuteKey, type HookStats } from '../infra/models/hook-stats';
import type { AttemptWatcher, RecordedStep } from './attempt-watchers';
import { describeAttempt } from './retry-plan';

const HOUR_MS = 3_600_000;

/** A duplicate key: two workers upserted the same new hour at once, and the loser must update it instead. */
const DUPLICATE_KEY = 11000;

/** What one slice adds to one hook's hour. */
interface HourChange {
  hookId: RecordedStep['hookId'];
  ownerId: RecordedStep['ownerId'];
  hour: Date;
  inc: Record<string, number>;
  lastSuccessAt?: Date;
  lastFailure?: string;
}

function add(inc: Record<string, number>, path: string, by = 1): void {
  inc[path] = (inc[path] ?? 0) + by;
}

/** Adds one sent step to its hour's totals and to its minute's. */
function count(change: HourChange, step: RecordedStep & { result: NonNullable<RecordedStep['result']> }): void {
  const { result, recordedAt } = step;
  const minute = minuteKey(new Date(recordedAt).getUTCMinutes());
  const succeeded = result.outcome === 'succeeded';
  const paths = [
    'attempts',
    succeeded ? 'successes' : `failures.${failureKindOf(result.attempt)}`,
    `durations.b${durationBucketOf(result.attempt.durationMs)}`,
  ];
  for (const path of paths) {
    add(change.inc, `counts.${path}`);
    add(change.inc, `minutes.${minute}.${path}`);
  }
  const at = new Date(recordedAt);
  if (succeeded) {
    if (!change.lastSuccessAt || change.lastSuccessAt < at) change.lastSuccessAt = at;
    return;
  }
  const failure = `${at.toISOString()} ${describeAttempt(result.attempt)}`;
  if (!change.lastFailure || change.lastFailure < failure) change.lastFailure = failure;
}

/** Adds a step's hour to the changes, one per hook and hour (most slices are a minute of one hour). */
function changeOf(changes: Map<string, HourChange>, step: RecordedStep): HourChange {
  const hour = new Date(step.recordedAt - (step.recordedAt % HOUR_MS));
  const id = hookStatsId(step.hookId, hour);
  let change = changes.get(id);
  if (!change) {
    change = { hookId: step.hookId, ownerId: step.ownerId, hour, inc: {} };
    changes.set(id, change);
  }
  return change;
}

/** Counts the sent steps into `changes` (keyed by the hour document's id). */
function countInto(changes: Map<string, HourChange>, steps: readonly RecordedStep[]): void {
  for (const step of steps) {
    if (step.result) count(changeOf(changes, step), { ...step, result: step.result });
  }
}

/** The slice's sent steps, one change per hook and hour. */
export function hourChanges(steps: readonly RecordedStep[]): HourChange[] {
  const changes = new Map<string, HourChange>();
  countInto(changes, steps);
  return [...changes.values()];
}

function upsertOf(change: HourChange): AnyBulkWriteOperation<HookStats> {
  // Never empty: each change counts at least one success or failure.
  const max = {
    ...(change.lastSuccessAt ? { lastSuccessAt: change.lastSuccessAt } : {}),
    ...(change.lastFailure ? { lastFailure: change.lastFailure } : {}),
  };
  return {
    updateOne: {
      // By `_id`: the one filter FerretDB 1.24 serves from its store for an update.
      filter: { _id: hookStatsId(change.hookId, change.hour) },
      update: {
        $inc: change.inc,
        $max: max,
        $setOnInsert: {
          hookId: change.hookId,
          ownerId: change.ownerId,
          hour: change.hour,
          expiresAt: new Date(change.hour.getTime() + HOOK_STATS_KEPT_MS),
        },
      },
      upsert: true,
    },
  };
}

/**
 * The model's bulkWrite, with the statements that lost a race to insert a new
 * hour (a duplicate key: FerretDB does not retry such an upsert, MongoDB may
 * not either) sent once more, when the hour exists and they update it. Only
 * those: the others were applied, and a `$inc` sent twice would count twice.
 */
function retryingLostUpserts(model: Models['HookStats']) {
  return {
    async bulkWrite(
      operations: AnyBulkWriteOperation<HookStats>[],
      options: { ordered: boolean },
    ): Promise<BulkCounts> {
      try {
        return await model.bulkWrite(operations, options);
      } catch (error) {
        if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
        const lost = [error.writeErrors].flat();
        if (!lost.every((e) => e.code === DUPLICATE_KEY)) throw error;
        const again = await model.bulkWrite(
          lost.flatMap((e) => operations[e.index] ?? []),
          options,
        );
        return {
          upsertedCount: error.result.upsertedCount + again.upsertedCount,
          modifiedCount: error.result.modifiedCount + again.modifiedCount,
          deletedCount: 0,
        };
      }
    },
  };
}

/**
 * How long the watcher gathers counts before it writes them: each hook's hour
 * document then takes one upsert a second however many slices it had. One
 * upsert per hook and slice cost FerretDB 1.24 about 1.5 ms of CPU each:
 * `npm run bench -- scale stream --rates 50 --duration 30`, paired before and
 * after per-hook stats came (8f4616a, b83340d, ABBA), went from 1.09 to 1.40
 * ms of database CPU per delivery, with dispatches of a few events every
 * 100 ms each upserting their five hooks' hours.
 */
export const STATS_FLUSH_MS = 1_000;

export interface HookStatsWatcher extends AttemptWatcher {
  /** Writes what it gathered, and stops: after the worker's last activity. */
  close(): Promise<void>;
}

/**
 * Per-hook health (GET /v1/hooks/:id/stats): counts the sends of the slices
 * it hears of into its hooks' hour documents (infra/models/hook-stats.ts),
 * gathered for STATS_FLUSH_MS, then a `$inc` upsert per hook and hour, in
 * commands of STATEMENTS_PER_COMMAND (infra/bulk-writes.ts), unordered (each
 * statement stands alone). One write at a time: what comes meanwhile waits
 * for the next.
 *
 * Exact for what was recorded, at most once: the watchers hear of a slice
 * after its records are written (activities/attempt-watchers.ts), and a retried
 * activity never tells them of those records again (a fan-out or replay page
 * skips the deliveries on record; a retry's attempt that finds its step on
 * record returns it unsent). A retried activity that sends again records a
 * new attempt, which counts once, as it should. What can be lost: the counts
 * gathered when a worker dies without stopping (a second's worth at most), a
 * slice whose activity dies between recording and telling, and a write that
 * fails (given to `onError`); such attempts are on record but not counted.
 */
export function createHookStatsWatcher(
  models: Models,
  onError: (error: unknown) => void,
  flushEveryMs = STATS_FLUSH_MS,
): HookStatsWatcher {
  const stats = retryingLostUpserts(models.HookStats);
  let gathered = new Map<string, HourChange>();
  let timer: NodeJS.Timeout | undefined;
  let writing = Promise.resolve();

  const write = (): Promise<void> => {
    timer = undefined;
    const changes = [...gathered.values()];
    gathered = new Map();
    writing = writing.then(async () => {
      if (changes.length === 0) return;
      try {
        await bulkWriteInCommands(stats, changes.map(upsertOf), { ordered: false });
      } catch (error) {
        onError(error);
      }
    });
    return writing;
  };

  return {
    name: 'hook-stats',
    stepsRecorded(steps) {
      countInto(gathered, steps);
      // Unref'd: gathered counts never keep a process alive; close() writes them on the way out.
      if (gathered.size > 0 && !timer) timer = setTimeout(() => void write(), flushEveryMs).unref();
    },
    async close() {
      clearTimeout(timer);
      await write();
    },
  };
}
