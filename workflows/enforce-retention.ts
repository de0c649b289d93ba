import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { deleteExpiredBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Once per store, a pass over every record written before `createdHour` existed: long, but heartbeating. */
const { stampUndatedRecords } = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Records deleted per activity at least (a whole hour of records at a time): small enough that none runs long. */
const BATCH = 500;

/** Deletes events, deliveries and replays older than the retention, a bounded batch at a time. */
export async function enforceRetention(input: { retention: string; batchSize?: number }): Promise<number> {
  const limit = input.batchSize ?? BATCH;
  // After the first run of a store, a read of three state documents by `_id`.
  await stampUndatedRecords();
  let deleted = 0;
  for (;;) {
    const batch = await deleteExpiredBatch({ retention: input.retention, limit });
    deleted += batch.deleted;
    if (batch.done) return deleted;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof enforceRetention>(input);
  }
}
