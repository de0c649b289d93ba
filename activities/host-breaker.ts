import type { Client } from '@temporalio/client';
import { mongo } from 'mongoose';
import { durationMs } from '../core/durations';
import type { HostBreakerSettings } from '../infra/config';
import type { Models } from '../infra/models';
import { startHostPauseWorkflow } from '../infra/workflow-starters';
import type { Outcome } from '../targets/contract';

/** How often a worker adds its failures to the tally all workers share, and reads which hosts are paused. */
const SYNC_EVERY_MS = 1_000;

/** The window is summed over this many buckets: a failure leaves the sum at most a bucket late. */
const BUCKETS_PER_WINDOW = 6;

/** A duplicate key: two workers inserted the same bucket at once, and one must update it instead. */
const DUPLICATE_KEY = 11000;

/**
 * The breaker per target host, as one worker process sees it: it counts the
 * failed attempts it makes per host, adds them every second to counts all
 * workers share (one document per host and bucket of time), and when a host's
 * failures within the window reach the threshold, starts the workflow that
 * pauses it (workflows/pause-host.ts, one per host at a time, which the
 * Temporal Web UI lists). It reads every second which hosts are paused, so
 * that checking one before a send costs nothing.
 */
export interface HostBreaker {
  /** Until when sends to this host wait; undefined when they may go now (or the target has no host). */
  pausedUntil(host: string | null | undefined): Date | undefined;
  /** Counts an attempt against its host: retryable failures (no answer, timeouts, 408, 429, 5xx) only. */
  noteOutcome(host: string | null | undefined, outcome: Outcome): void;
  /** Adds what is left to the shared counts and stops. */
  close(): Promise<void>;
}

export interface HostBreakerDependencies {
  models: Models;
  temporal: Client;
  /** Where the pause workflows run: the worker's own task queue. */
  taskQueue: string;
  settings: HostBreakerSettings;
  /** A failed sync is retried at the next one; the worker says so in its log. */
  onError: (error: unknown) => void;
}

export function createHostBreaker({
  models,
  temporal,
  taskQueue,
  settings,
  onError,
}: HostBreakerDependencies): HostBreaker {
  const windowMs = durationMs(settings.window);
  const bucketMs = Math.max(SYNC_EVERY_MS, Math.floor(windowMs / BUCKETS_PER_WINDOW));
  let unsent = new Map<string, number>();
  let paused = new Map<string, Date>();
  let syncing: Promise<void> = Promise.resolve();

  /** Adds failures to the host's current bucket (an upsert; the loser of a race on a new bucket updates it). */
  async function addFailures(host: string, failures: number, bucket: Date): Promise<void> {
    const update = { filter: { _id: `${host}|${bucket.getTime()}` }, change: { $inc: { failures } } };
    try {
      await models.HostFailures.updateOne(
        update.filter,
        { ...update.change, $setOnInsert: { host, bucket } },
        {
          upsert: true,
        },
      );
    } catch (error) {
      if (!(error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      await models.HostFailures.updateOne(update.filter, update.change);
    }
  }

  /** The host's failures within the window, from every worker; buckets older than two windows go. */
  async function failuresWithin(host: string, now: number): Promise<number> {
    await models.HostFailures.deleteMany({ host, bucket: { $lt: new Date(now - 2 * windowMs) } });
    const recent = await models.HostFailures.find(
      { host, bucket: { $gt: new Date(now - windowMs) } },
      {
        failures: 1,
      },
    ).lean();
    return recent.reduce((sum, bucket) => sum + bucket.failures, 0);
  }

  async function sync(): Promise<void> {
    const now = Date.now();
    const bucket = new Date(now - (now % bucketMs));
    const counted = unsent;
    unsent = new Map();
    try {
      for (const [host, failures] of counted) {
        await addFailures(host, failures, bucket);
        const total = await failuresWithin(host, now);
        if (total >= settings.failures && !paused.has(host)) {
          await startHostPauseWorkflow({ temporal, taskQueue }, { host, failures: total, pause: settings.pause });
        }
      }
      const pausedNow = await models.HostPause.find({ pausedUntil: { $gt: new Date(now) } }, { pausedUntil: 1 }).lean();
      paused = new Map(pausedNow.map((pause) => [pause._id, pause.pausedUntil]));
    } catch (error) {
      // Counted again at the next sync rather than lost.
      for (const [host, failures] of counted) unsent.set(host, (unsent.get(host) ?? 0) + failures);
      onError(error);
    }
  }

  const timer = setInterval(() => {
    syncing = syncing.then(sync);
  }, SYNC_EVERY_MS);
  // The breaker never keeps a process alive on its own.
  timer.unref();

  return {
    pausedUntil(host) {
      const until = host ? paused.get(host) : undefined;
      return until && until.getTime() > Date.now() ? until : undefined;
    },
    noteOutcome(host, outcome) {
      if (host && outcome === 'retryable') unsent.set(host, (unsent.get(host) ?? 0) + 1);
    },
    async close() {
      clearInterval(timer);
      await syncing;
      if (unsent.size > 0) await sync();
    },
  };
}
