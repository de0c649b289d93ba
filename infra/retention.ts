import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { retentionAction } from './workflow-starters';

/** One per namespace and task queue: the worker makes sure it exists, with the retention it was configured with. */
export const RETENTION_SCHEDULE_ID = 'hookflow-retention';
const EVERY = '1h';

/**
 * Creates the Temporal Schedule that deletes old records (FerretDB has no TTL
 * indexes, and a schedule shows in the Web UI), or brings an existing one to
 * the configured retention. Safe to call at every start.
 */
export async function ensureRetentionSchedule(temporal: Client, taskQueue: string, retention: string): Promise<void> {
  const scheduleId = `${RETENTION_SCHEDULE_ID}:${taskQueue}`;
  const handle = temporal.schedule.getHandle(scheduleId);
  try {
    await handle.update((current) => ({ ...current, action: retentionAction(taskQueue, scheduleId, retention) }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await temporal.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: EVERY }] },
      action: retentionAction(taskQueue, scheduleId, retention),
      policies: { overlap: 'SKIP' },
    });
  }
}
