import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Small enough that a page of hook ids is a few kilobytes of history, large enough to keep actions per delivery low. */
export const HOOK_PAGE_SIZE = 200;

const { findSubscribedHooks, deliverToHooks, handOnFailures } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
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
    const page = await findSubscribedHooks({ eventId: input.eventId, afterHookId, limit: HOOK_PAGE_SIZE });
    if (page.hookIds.length > 0) {
      const outcome = await deliverToHooks({ eventId: input.eventId, hookIds: page.hookIds });
      total.hooks += page.hookIds.length;
      total.succeeded += outcome.succeeded;
      total.alreadyAttempted += outcome.skipped;
      total.failed += outcome.failed;
      total.retrying += outcome.retries.length;
      if (outcome.retries.length > 0 || outcome.hooksToDisable.length > 0) {
        await handOnFailures({
          eventId: input.eventId,
          retries: outcome.retries,
          hooksToDisable: outcome.hooksToDisable,
        });
      }
    }
    afterHookId = page.next;
    if (afterHookId && workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof deliverEvent>({ eventId: input.eventId, resume: { afterHookId, total } });
    }
  } while (afterHookId);
  return total;
}
