import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { deleteExpiredBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Records per delete: small enough that no batch holds the database long. */
const BATCH = 500;

/** Deletes events, deliveries and replays older than the retention, a bounded batch at a time. */
export async function enforceRetention(input: { retention: string; batchSize?: number }): Promise<number> {
  const limit = input.batchSize ?? BATCH;
  let deleted = 0;
  for (;;) {
    const batch = await deleteExpiredBatch({ retention: input.retention, limit });
    deleted += batch;
    if (batch === 0) return deleted;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof enforceRetention>(input);
  }
}
