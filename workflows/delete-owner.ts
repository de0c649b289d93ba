import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OwnerId } from '../core/ids';
import { OWNER_DATA_PARTS, type OwnerDataPart, type OwnerDataRemoved } from '../shared/owner-data';

/** Records removed by one call: one bounded write, and a bounded wait on the Temporal calls before it. */
const BATCH = 500;

const { removeOwnerData, finishOwnerRemoval } = proxyActivities<Activities>({
  // A batch stops up to BATCH retry workflows, ten at a time, before its records go.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DeleteOwnerInput {
  ownerId: OwnerId;
  /** Where the previous run stopped, when the workflow continues as new. */
  from?: OwnerDataPart;
}

/**
 * Removes an owner and everything it has, part after part, a batch at a
 * time, stopping what Temporal runs for it on the way (schedules, replays,
 * retries); its record shows the count as it goes, and goes last. Answers
 * what it removed.
 */
export async function deleteOwner(input: DeleteOwnerInput): Promise<OwnerDataRemoved> {
  for (const part of OWNER_DATA_PARTS.slice(input.from ? OWNER_DATA_PARTS.indexOf(input.from) : 0)) {
    while ((await removeOwnerData({ ownerId: input.ownerId, part, limit: BATCH })) === BATCH) {
      if (workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof deleteOwner>({ ownerId: input.ownerId, from: part });
      }
    }
  }
  return finishOwnerRemoval({ ownerId: input.ownerId });
}
