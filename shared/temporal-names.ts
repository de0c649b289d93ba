/**
 * Names shared by the API (which starts workflows) and the worker (which runs
 * them). Workflow code imports this file too, so it must stay free of I/O.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import type { DeliveryId, DispatchId, EventKey, HookId, OwnerId, ReplayId, ReplayScheduleId } from '../core/ids';

/**
 * The workflow types, as the worker registers them: the names of
 * workflows/index.ts's exports. Starters (workflow-starters.ts) type each
 * start by the workflow of its name, so a name that no workflow has does not
 * compile there.
 */
export const DISPATCH_WORKFLOW = 'deliverDispatch';
export const RETRY_WORKFLOW = 'retryDelivery';
export const FAILED_DELIVERY_WORKFLOW = 'failedDelivery';
export const DISABLE_HOOK_WORKFLOW = 'disableFailingHook';
export const RESUME_PAUSED_WORKFLOW = 'resumePausedDeliveries';
export const REPLAY_WORKFLOW = 'replayDeliveries';
export const SCHEDULED_RECOVERY_WORKFLOW = 'scheduledRecovery';
export const RETENTION_WORKFLOW = 'enforceRetention';
export const HOOK_TEST_WORKFLOW = 'testHook';
export const DELETE_OWNER_WORKFLOW = 'deleteOwner';
export const PAUSE_HOST_WORKFLOW = 'pauseHost';
export const HOOK_LANE_WORKFLOW = 'hookLane';
export const HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW = 'announceHookSwitch';

/**
 * The failure type of a delivery workflow whose delivery failed for good (a
 * retry workflow's, or a failedDelivery record's): it ends as a failed
 * workflow, so that the Web UI's failure views list it, its message the
 * delivery's failure reason.
 */
export const DELIVERY_FAILED = 'DeliveryFailed';

/** Tells a hook's lane that deliveries were handed to it; signal-with-start starts the lane if it is not running. */
export const LANE_SIGNAL = 'moreDeliveries';

export const SEARCH_ATTRIBUTES = {
  hookId: defineSearchAttributeKey('HookId', 'KEYWORD'),
  ownerId: defineSearchAttributeKey('OwnerId', 'KEYWORD'),
  eventType: defineSearchAttributeKey('EventType', 'KEYWORD'),
  deliveryStatus: defineSearchAttributeKey('DeliveryStatus', 'KEYWORD'),
  replayId: defineSearchAttributeKey('ReplayId', 'KEYWORD'),
  /** Every event key of a dispatch (at most MAX_EVENTS_PER_DISPATCH), so that the Web UI finds each event's workflow. */
  eventIds: defineSearchAttributeKey('EventIds', 'KEYWORD_LIST'),
  /**
   * The hooks an event workflow delivered to, when their ids fit in one value
   * (KEYWORD_LIST_BUDGET_BYTES: some 60 hooks); a larger fan-out leaves it unset.
   */
  hookIds: defineSearchAttributeKey('HookIds', 'KEYWORD_LIST'),
} as const;

/**
 * Temporal refuses a search attribute value over 2,048 bytes (INVALID_ARGUMENT
 * "search attribute EventIds value size 2561 exceeds size limit 2048", seen in
 * the stream bench at 100 events/s): a keyword list, as JSON text, must fit. A
 * little is kept back for the encoding's own bytes.
 */
export const KEYWORD_LIST_BUDGET_BYTES = 2_000;

/**
 * The hooks listed so far with `more` added, each once, for HookIds; undefined
 * once they no longer fit (or `listed` is, which stays so). Ids are ASCII
 * (core/ids.ts): a character is a byte.
 */
export function listHookIds(listed: readonly HookId[] | undefined, more: Iterable<HookId>): HookId[] | undefined {
  if (!listed) return undefined;
  const ids = [...new Set([...listed, ...more])];
  return JSON.stringify(ids).length <= KEYWORD_LIST_BUDGET_BYTES ? ids : undefined;
}

/** The Temporal types of our search attributes, as `temporal server start-dev --search-attribute` spells them. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'KeywordList'> = Object.fromEntries(
  Object.values(SEARCH_ATTRIBUTES).map((key) => [key.name, key.type === 'KEYWORD_LIST' ? 'KeywordList' : 'Keyword']),
);

/** Takes the event's record id (eventKey), which holds its owner: producers' ids are only unique per owner. */
export function eventWorkflowId(eventKey: EventKey): string {
  return `event:${eventKey}`;
}

/** A dispatch of several events; a dispatch of one is that event's workflow (eventWorkflowId). */
export function dispatchWorkflowId(dispatchId: DispatchId): string {
  return `dispatch:${dispatchId}`;
}

/**
 * Where a large fan-out's remaining hooks are delivered: a task queue beside
 * the worker's own, whose activities each worker runs one at a time, so that
 * other owners' dispatches (local activities on the worker's queue) never
 * wait behind several big fan-outs at once (issue 13, point 2).
 */
export function bulkTaskQueue(taskQueue: string): string {
  return `${taskQueue}-bulk`;
}

export function deliveryWorkflowId(deliveryId: DeliveryId): string {
  return `delivery:${deliveryId}`;
}

/**
 * The Web UI's record of a delivery that failed for good outside a retry
 * workflow (workflows/failed-delivery.ts). An id of its own: a delivery a
 * retry workflow handed to a lane has a closed `delivery:` run already, and a
 * delivery fails for good once, so each failed delivery has one failed run.
 */
export function failedDeliveryWorkflowId(deliveryId: DeliveryId): string {
  return `delivery-failed:${deliveryId}`;
}

/** One per enabled spell of a hook (Hook.enabledCount): however many failures notice, it is disabled and its owner mailed once. */
export function disableHookWorkflowId(hookId: HookId, spell: number): string {
  return `disable-hook:${hookId}:${spell}`;
}

/**
 * One per switch of a hook through the API: `spell` is its enabledCount after
 * the switch, so that a retried request announces a switch once.
 */
export function hookSwitchAnnouncementId(hookId: HookId, switchedTo: 'enabled' | 'disabled', spell: number): string {
  return `hook-${switchedTo}:${hookId}:${spell}`;
}

/** One per owner: asking twice for its deletion finds the first one at work. */
export function deleteOwnerWorkflowId(ownerId: OwnerId): string {
  return `delete-owner:${ownerId}`;
}

/** One per target host at a time: workers that notice its failures together start one pause. */
export function hostPauseWorkflowId(host: string): string {
  return `host-pause:${host}`;
}

/**
 * Which lane sends a delivery: a paced hook's one (core/pacing.ts), or, for
 * an ordered hook (core/ordering.ts), the lane of the delivery's key.
 */
export interface LaneAddress {
  hookId: HookId;
  orderingKey?: string;
}

/** One lane per paced hook, and one per key of an ordered hook (the default key '' ends the id with its colon). */
export function hookLaneWorkflowId({ hookId, orderingKey }: LaneAddress): string {
  return orderingKey === undefined ? `hook-lane:${hookId}` : `hook-order:${hookId}:${orderingKey}`;
}

export function replayWorkflowId(replayId: ReplayId): string {
  return `replay:${replayId}`;
}

export function replayScheduleId(scheduleId: ReplayScheduleId): string {
  return `replay-schedule:${scheduleId}`;
}

/** Set by Temporal on each workflow a Schedule starts: the tick it stands for, backfilled ones included. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');
