import { Counter, Gauge, Histogram } from 'prom-client';
import { createMetricsRegistry } from './registry';

/**
 * How long a count of the retries waiting is reused. Its cost grows with
 * the backlog (records/delivery-backlog.ts); Prometheus scrapes every 15 s
 * by default, and scrapers within this time of each other share one count.
 */
export const RETRIES_WAITING_CACHE_MS = 5_000;

/**
 * Attempt durations, in seconds: from a fast local receiver (milliseconds)
 * to the longest timeout a hook may set (90 s).
 */
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 90];

/**
 * The worker process's metrics, served on HOOKFLOW_WORKER_METRICS_PORT
 * together with the Temporal SDK's own (infra/metrics/worker-endpoint.ts).
 * Labels take bounded values only: delivery statuses, target types, replay
 * kinds; never a hook, owner, event or delivery id.
 */
export function createWorkerMetrics({
  countRetriesWaiting,
  onCountFailed,
}: {
  /** Deliveries waiting for a retry, in the whole store (up to a bound of its own). */
  countRetriesWaiting: () => Promise<number>;
  /** The gauge then keeps its last count. */
  onCountFailed: (error: unknown) => void;
}) {
  const registry = createMetricsRegistry();
  const registers = [registry];
  let counted: { value: number; at: number } | undefined;
  return {
    registry,
    deliveries: new Counter({
      name: 'hookflow_deliveries_total',
      help: 'Delivery attempts on record, by the status each left its delivery in (succeeded, retrying, failed, ...) and target type',
      labelNames: ['outcome', 'target_type'] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: 'hookflow_attempt_duration_seconds',
      help: "Delivery attempts' durations as recorded, by target type",
      labelNames: ['target_type'] as const,
      buckets: ATTEMPT_BUCKETS,
      registers,
    }),
    retriesWaiting: new Gauge({
      name: 'hookflow_retries_waiting',
      help: `Deliveries waiting for a retry, in the whole store, up to a bound (every worker reports the same count: take max, not sum); counted at most every ${RETRIES_WAITING_CACHE_MS / 1000} s`,
      registers,
      async collect() {
        const now = Date.now();
        if (!counted || now - counted.at >= RETRIES_WAITING_CACHE_MS) {
          try {
            counted = { value: await countRetriesWaiting(), at: now };
          } catch (error) {
            onCountFailed(error);
            return;
          }
        }
        this.set(counted.value);
      },
    }),
    hooksDisabled: new Counter({
      name: 'hookflow_hooks_disabled_total',
      help: 'Hooks this worker disabled (a target gone, or a failure streak past its threshold)',
      registers,
    }),
    replayDeliveries: new Counter({
      name: 'hookflow_replay_deliveries_total',
      help: 'Deliveries made again by replays and recoveries (each then sends as any delivery does), by replay kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    replaysFinished: new Counter({
      name: 'hookflow_replays_finished_total',
      help: 'Replays and recoveries that ended, by kind and status (completed, cancelled)',
      labelNames: ['kind', 'status'] as const,
      registers,
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
