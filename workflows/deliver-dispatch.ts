import {
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { FanOutOutcome } from '../activities/fan-out';
import type { FanOutTally } from '../activities/fan-out-tally';
import { hasHandOffs } from './hand-offs';
import type { DeliverDispatchInput, DispatchedEvent } from '../shared/dispatch';
import type { HookId } from '../core/ids';
import { ATTEMPT_BOOKKEEPING_MS, MAX_HOOK_TIMEOUT_MS } from '../shared/delivery-limits';
import { bulkTaskQueue, listHookIds, SEARCH_ATTRIBUTES } from '../shared/temporal-names';

const FAN_OUT_CALL = {
  // One call of deliverToSubscribers reads every subscribed hook of an event through one cursor: on FerretDB
  // each query for hooks scans the owner's hooks, so a call per page of hooks would make a fan-out cost a
  // scan per page. A call may therefore deliver to 100,000 hooks and more (sends 50 at a time, up to 90 s
  // each on slow receivers). The heartbeat notices a dead worker within seconds; a retried call, after a
  // crash or this timeout, skips what is on record.
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

const { deliverFirstSlices: beginEvents } = proxyActivities<Activities>(FAN_OUT_CALL);

/** An event's remaining hooks go through the bulk task queue (bulkTaskQueue), one call per worker at a time. */
function remainingHooksActivity() {
  return proxyActivities<Activities>({ ...FAN_OUT_CALL, taskQueue: bulkTaskQueue(workflowInfo().taskQueue) })
    .deliverToSubscribers;
}

/**
 * Most events go to a few hooks, and those a local activity delivers: it costs
 * Temporal a marker in history instead of an activity task (measured with
 * `npm run bench -- stream`: 6 history events per event instead of 11, and a
 * third less CPU in the Temporal server). A local activity cannot heartbeat,
 * so it takes at most one recorded slice of deliveries in total, over all the
 * events it begins: a worker lost during it re-sends at most those, whatever
 * the dispatch's size (a bound per event would let a dispatch of 100 events
 * re-send 20,000).
 */
const DELIVERIES_PER_LOCAL_CALL = 200;

/**
 * The events the local activity could not begin are begun by activity calls,
 * this many deliveries each (the hooks one cursor batch hands over). Not a
 * second local activity: the SDK keeps the workflow task open across local
 * activities run back to back and reports their markers together, so a worker
 * lost during the second would lose the first one's marker too, and its
 * deliveries, on record by then, would be sent again (test/dispatch-workflow.test.ts).
 */
const DELIVERIES_PER_CALL = 1_000;

const { deliverFirstSlices: beginEventsLocally } = proxyLocalActivities<Activities>({
  // 200 sends, 50 at a time (SEND_CONCURRENCY): four rounds of up to the longest hook timeout each on slow
  // receivers, and the recording; the worker keeps its workflow task alive meanwhile.
  startToCloseTimeout: 4 * MAX_HOOK_TIMEOUT_MS + ATTEMPT_BOOKKEEPING_MS,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { handOnFailures, markFannedOut } = proxyActivities<Activities>({
  // Starting a call's retry workflows takes seconds (marking a dispatch fanned out, a write); a worker lost
  // meanwhile must not hold them back long.
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DeliverDispatchResult {
  /** Deliveries gone through: each event's subscribed hooks, over all events. */
  deliveries: number;
  succeeded: number;
  failed: number;
  /** Kept, paused, for hooks that are off but parking their deliveries. */
  parked: number;
  /** Left pending for their lanes: paced hooks' (rate limit, in-flight bound, Retry-After) and ordered hooks'. */
  paced: number;
  /** Handed to their own retry workflows. */
  retrying: number;
  /** Found recorded by an earlier try of a call (after a worker crash, say) and not sent again. */
  alreadyAttempted: number;
}

const NO_DELIVERIES: DeliverDispatchResult = {
  deliveries: 0,
  succeeded: 0,
  failed: 0,
  parked: 0,
  paced: 0,
  retrying: 0,
  alreadyAttempted: 0,
};

/** An event whose first hooks have their deliveries, and the hook after which the rest begin. */
interface CarryingOn {
  event: DispatchedEvent;
  afterHookId: HookId;
}

export interface DeliverDispatchRun extends DeliverDispatchInput {
  /**
   * Set when the workflow continues as new: `events` are then those with hooks
   * left, each carrying on after its `afterHookIds` entry, and `total` what came before.
   */
  resume?: { afterHookIds: HookId[]; total: DeliverDispatchResult };
}

/** The dispatch's tally so far, and the hooks it went through while they fit in HookIds. */
interface Progress {
  total: DeliverDispatchResult;
  hookIds: HookId[] | undefined;
}

/** The tally as the Web UI's workflow page shows it while the fan-out goes on, and once it is done. */
function detailsOf(total: DeliverDispatchResult): string {
  const counts = (['succeeded', 'retrying', 'failed', 'paced', 'parked', 'alreadyAttempted'] as const).flatMap(
    (outcome) =>
      total[outcome] > 0 ? [`${total[outcome]} ${outcome === 'alreadyAttempted' ? 'sent before' : outcome}`] : [],
  );
  return `${total.deliveries} deliveries${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
}

/** Adds a call's tally to the dispatch's, and hands its failures on to their own workflows. */
async function settle(outcome: FanOutTally, progress: Progress): Promise<void> {
  const { total } = progress;
  progress.hookIds = outcome.hookIds && listHookIds(progress.hookIds, outcome.hookIds);
  total.deliveries += outcome.hooks;
  total.succeeded += outcome.succeeded;
  total.alreadyAttempted += outcome.skipped;
  total.failed += outcome.failed;
  total.parked += outcome.parked;
  total.paced += outcome.paced;
  total.retrying += outcome.retries.length;
  setCurrentDetails(detailsOf(total));
  if (hasHandOffs(outcome)) {
    const { retries, failures, hooksToDisable } = outcome;
    await handOnFailures({ retries, failures, hooksToDisable });
  }
}

/**
 * Every event to its first hooks: each call begins as many events, in arrival
 * order, as its bound allows, and the next call begins the rest; the first
 * call is a local activity, the others (for large dispatches) activity calls.
 * Answers the events with hooks left.
 */
async function deliverFirstHooks(
  input: DeliverDispatchInput,
  progress: Progress,
): Promise<{ carryingOn: CarryingOn[]; fannedOut: boolean }> {
  const carryingOn: CarryingOn[] = [];
  let notBegun = input.events;
  let local = true;
  let fannedOut = false;
  while (notBegun.length > 0) {
    const outcome = local
      ? await beginEventsLocally({ events: notBegun, limit: DELIVERIES_PER_LOCAL_CALL, fannedOut: input.dispatchId })
      : await beginEvents({ events: notBegun, limit: DELIVERIES_PER_CALL });
    local = false;
    fannedOut ||= outcome.fannedOut;
    await settle(outcome, progress);
    for (const { index, afterHookId } of outcome.carryOn) {
      carryingOn.push({ event: notBegun[index] as DispatchedEvent, afterHookId });
    }
    notBegun = notBegun.slice(outcome.begun);
  }
  return { carryingOn, fannedOut };
}

/**
 * One event's remaining hooks, in activity calls, each carrying on where the
 * last stopped: a call stops early only to hand back the failures it gathered
 * (about a thousand at most). Answers where it stands when the workflow should
 * continue as new before its history grows large.
 */
async function deliverRemainingHooks(
  { event, afterHookId }: CarryingOn,
  progress: Progress,
): Promise<CarryingOn | undefined> {
  const deliverToSubscribers = remainingHooksActivity();
  let next: HookId | undefined = afterHookId;
  while (next) {
    const outcome: FanOutOutcome = await deliverToSubscribers({ event, afterHookId: next });
    await settle(outcome, progress);
    next = outcome.next;
    if (next && workflowInfo().continueAsNewSuggested) return { event, afterHookId: next };
  }
  return undefined;
}

/**
 * Hands a dispatch (events of one owner that arrived together) to every hook
 * subscribed to each of its events: the first few hundred deliveries in a local
 * activity, then each event with more hooks in activity calls of its own,
 * side by side as separate workflows would run them. Only counts, cursors and
 * the failures travel through history; a huge fan-out continues as new,
 * carrying where each unfinished event stands.
 */
export async function deliverDispatch(input: DeliverDispatchRun): Promise<DeliverDispatchResult> {
  // Over the zeros: a run continued from one that predates a count carries on with that count at 0.
  const total: DeliverDispatchResult = { ...NO_DELIVERIES, ...input.resume?.total };
  const resumed = input.resume?.afterHookIds;
  // A run continued as new went through too many hooks to list.
  const progress: Progress = { total, hookIds: resumed ? undefined : [] };
  const { carryingOn, fannedOut } = resumed
    ? { carryingOn: input.events.map((event, i) => ({ event, afterHookId: resumed[i] as HookId })), fannedOut: false }
    : await deliverFirstHooks(input, progress);
  const unfinished = (await Promise.all(carryingOn.map((event) => deliverRemainingHooks(event, progress)))).filter(
    (event) => event !== undefined,
  );
  if (unfinished.length > 0) {
    return continueAsNew<typeof deliverDispatch>({
      ownerId: input.ownerId,
      ...(input.dispatchId ? { dispatchId: input.dispatchId } : {}),
      events: unfinished.map(({ event }) => event),
      resume: { afterHookIds: unfinished.map(({ afterHookId }) => afterHookId), total },
    });
  }
  // How the Web UI finds an event's workflow by a hook it delivered to.
  if (progress.hookIds?.length) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.hookIds, value: progress.hookIds }]);
  // Most dispatches are marked by their first call; ordered lanes wait for the others until here.
  if (input.dispatchId && !fannedOut) await markFannedOut({ dispatchId: input.dispatchId });
  return total;
}
