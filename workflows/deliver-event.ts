import { continueAsNew, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { deliverToSubscribers } = proxyActivities<Activities>({
  // One call reads every subscribed hook through one cursor: on FerretDB each query for hooks scans the whole
  // collection, so a call per page of hooks would make a fan-out cost a scan per page. A call may therefore
  // deliver to 100,000 hooks and more (sends 50 at a time, up to 60 s each on slow receivers). The heartbeat
  // notices a dead worker within seconds; a retried call, after a crash or this timeout, carries on from its
  // last heartbeat and skips what is on record.
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Most events go to a few hooks, and those a local activity delivers: it costs
 * Temporal a marker in history instead of an activity task (measured with
 * `npm run bench -- stream`: 6 history events per event instead of 11, and a
 * third less CPU in the Temporal server). A local activity cannot heartbeat,
 * so it takes at most one recorded slice of hooks: a worker lost during it
 * re-sends at most those, as with the activity, which carries on from there.
 */
const HOOKS_DELIVERED_LOCALLY = 200;

const { deliverToSubscribers: deliverToFirstSubscribers } = proxyLocalActivities<Activities>({
  // 200 sends, 50 at a time, up to 60 s each on slow receivers; the worker keeps its workflow task alive meanwhile.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { handOnFailures } = proxyActivities<Activities>({
  // Starting a call's retry workflows takes seconds; a worker lost meanwhile must not hold the retries back long.
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DeliverEventResult {
  hooks: number;
  succeeded: number;
  failed: number;
  /** Handed to their own retry workflows. */
  retrying: number;
  /** Found recorded by an earlier try of a call (after a worker crash, say) and not sent again. */
  alreadyAttempted: number;
}

export interface DeliverEventInput {
  /** The event's record id (eventKey). */
  eventKey: string;
  /** Set when the workflow continues as new: where the previous run stopped, and what it counted. */
  resume?: { afterHookId: string; total: DeliverEventResult };
}

/**
 * Hands one event to every hook subscribed to it: the first few in a local
 * activity, any others in one activity call, unless failures pile up: each call hands back at most
 * about a thousand, which go on to their own workflows before the next call
 * carries on. Only counts, a cursor and the failures travel through history;
 * a huge fan-out of failures continues as new before its history grows large.
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
  let first = input.resume === undefined;
  do {
    const outcome = first
      ? await deliverToFirstSubscribers({ eventKey: input.eventKey, limit: HOOKS_DELIVERED_LOCALLY })
      : await deliverToSubscribers({ eventKey: input.eventKey, afterHookId });
    first = false;
    total.hooks += outcome.hooks;
    total.succeeded += outcome.succeeded;
    total.alreadyAttempted += outcome.skipped;
    total.failed += outcome.failed;
    total.retrying += outcome.retries.length;
    if (outcome.retries.length > 0 || outcome.hooksToDisable.length > 0) {
      await handOnFailures({ retries: outcome.retries, hooksToDisable: outcome.hooksToDisable });
    }
    afterHookId = outcome.next;
    if (afterHookId && workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof deliverEvent>({ eventKey: input.eventKey, resume: { afterHookId, total } });
    }
  } while (afterHookId);
  return total;
}
