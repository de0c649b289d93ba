import { ScheduleNotFoundError, type Client } from '@temporalio/client';

/** One per namespace and task queue: the worker makes sure it exists, with the retention it was configured with. */
export const RETENTION_SCHEDULE_ID = 'hookflow-retention';
const EVERY = '1h';

function retentionAction(taskQueue: string, retention: string) {
  return {
    type: 'startWorkflow' as const,
    workflowType: 'enforceRetention',
    workflowId: `${RETENTION_SCHEDULE_ID}:${taskQueue}`,
    taskQueue,
    args: [{ retention }],
  };
}

/**
 * Creates the Temporal Schedule that deletes old records (FerretDB has no TTL
 * indexes, and a schedule shows in the Web UI), or brings an existing one to
 * the configured retention. Safe to call at every start.
 */
export async function ensureRetentionSchedule(temporal: Client, taskQueue: string, retention: string): Promise<void> {
  const scheduleId = `${RETENTION_SCHEDULE_ID}:${taskQueue}`;
  const handle = temporal.schedule.getHandle(scheduleId);
  try {
    await handle.update((current) => ({ ...current, action: retentionAction(taskQueue, retention) }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await temporal.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: EVERY }] },
      action: retentionAction(taskQueue, retention),
      policies: { overlap: 'SKIP' },
    });
  }
}
