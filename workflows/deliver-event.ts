import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Hooks per page, which is one activity: a few Temporal events for a thousand
 * deliveries. Only counts, a cursor and the failures travel through history.
 */
export const HOOK_PAGE_SIZE = 1000;

const { deliverHookPage } = proxyActivities<Activities>({
  // A page of slow receivers can take long (1,000 sends, 50 at a time, up to 60 s each); the
  // heartbeat notices a dead worker within seconds, and the retried page skips what is on record.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { handOnFailures } = proxyActivities<Activities>({
  // Starting a page's retry workflows takes seconds; a worker lost meanwhile must not hold the retries back long.
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DeliverEventResult {
  hooks: number;
  succeeded: number;
  failed: number;
  /** Handed to their own retry workflows. */
  retrying: number;
  /** Found recorded by an earlier try of a page (after a worker crash, say) and not sent again. */
  alreadyAttempted: number;
}

export interface DeliverEventInput {
  eventId: string;
  /** Set when the workflow continues as new: where the previous run stopped, and what it counted. */
  resume?: { afterHookId: string; total: DeliverEventResult };
}

/**
 * Hands one event to every hook subscribed to it, a page of hooks at a time.
 * A huge fan-out continues as new before its history grows large.
 */
export async function deliverEvent(input: DeliverEventInput): Promise<DeliverEventResult> {
  const total: DeliverEventResult = input.resume?.total ?? {
    hooks: 0,
    succeeded: 0,
    failed: 0,
    retrying: 0,
    alreadyAttempted: 0,
  };
  let afterHookId = input.resume?.afterHookId;
  do {
    const page = await deliverHookPage({ eventId: input.eventId, afterHookId, limit: HOOK_PAGE_SIZE });
    total.hooks += page.hooks;
    total.succeeded += page.succeeded;
    total.alreadyAttempted += page.skipped;
    total.failed += page.failed;
    total.retrying += page.retries.length;
    if (page.retries.length > 0 || page.hooksToDisable.length > 0) {
      await handOnFailures({ retries: page.retries, hooksToDisable: page.hooksToDisable });
    }
    afterHookId = page.next;
    if (afterHookId && workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof deliverEvent>({ eventId: input.eventId, resume: { afterHookId, total } });
    }
  } while (afterHookId);
  return total;
}
