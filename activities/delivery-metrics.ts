import type { WorkerMetrics } from '../infra/metrics/worker-metrics';
import type { AttemptWatcher } from './attempt-watchers';

/**
 * Counts each attempt on record by the status it left its delivery in, and
 * observes its duration, both by target type. Steps that sent nothing (a
 * delivery kept paused, handed to a lane, held for a paused host) are no
 * attempt: the attempt that later sends it is counted then.
 */
export function deliveryMetrics(metrics: Pick<WorkerMetrics, 'deliveries' | 'attemptDuration'>): AttemptWatcher {
  return {
    name: 'delivery-metrics',
    stepsRecorded(steps) {
      for (const { step, result, targetType } of steps) {
        if (!result) continue;
        metrics.deliveries.inc({ outcome: step.status, target_type: targetType });
        metrics.attemptDuration.observe({ target_type: targetType }, result.attempt.durationMs / 1000);
      }
    },
  };
}
