import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type WorkflowHandle,
} from '@temporalio/client';
import type * as workflows from '../workflows';
import { shorten } from '../core/shorten';
import type { DeliverDispatchInput } from '../shared/dispatch';
import {
  newId,
  type DeliveryId,
  type DispatchId,
  type HookId,
  type OwnerId,
  type ReplayId,
  type ReplayScheduleId,
} from '../core/ids';
import {
  DELETE_OWNER_WORKFLOW,
  deleteOwnerWorkflowId,
  deliveryWorkflowId,
  DISABLE_HOOK_WORKFLOW,
  disableHookWorkflowId,
  DISPATCH_WORKFLOW,
  dispatchWorkflowId,
  eventWorkflowId,
  FAILED_DELIVERY_WORKFLOW,
  failedDeliveryWorkflowId,
  HOOK_LANE_WORKFLOW,
  HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW,
  HOOK_TEST_WORKFLOW,
  hookSwitchAnnouncementId,
  hostPauseWorkflowId,
  PAUSE_HOST_WORKFLOW,
  hookLaneWorkflowId,
  LANE_SIGNAL,
  REPLAY_WORKFLOW,
  replayWorkflowId,
  RESUME_PAUSED_WORKFLOW,
  RETENTION_WORKFLOW,
  RETRY_WORKFLOW,
  SCHEDULED_RECOVERY_WORKFLOW,
  SEARCH_ATTRIBUTES,
  type LaneAddress,
} from '../shared/temporal-names';

/**
 * Every start of a workflow from outside workflow code (the API, activities,
 * schedules, benches): per workflow, its id, its reuse policy, its task
 * queue and its search attributes, so that these are decided once. Each start
 * is typed by the workflow it starts, through a type-only import: the API
 * never loads workflow code, and a changed workflow input breaks its starter
 * at compile time. Workflows never import this file (they start children with
 * executeChild).
 */

/** The workflow the worker registers under `name` (workflows/index.ts's export of that name). */
type WorkflowNamed<Name extends keyof typeof workflows> = (typeof workflows)[Name];

/** Where a start goes: the worker's own task queue, on which every workflow runs. */
export interface StartDependencies {
  temporal: Client;
  taskQueue: string;
}

/** Starts a workflow whose id refuses a second run, taking "already started" as done: every caller may retry. */
async function startUnlessStarted(start: Promise<unknown>): Promise<void> {
  try {
    await start;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

export interface DispatchStart {
  /** Names the dispatch of several events; a dispatch of one is that event's workflow, as before group commit. */
  dispatchId: DispatchId | null | undefined;
  input: DeliverDispatchInput;
  /** The type all the dispatch's events share, when they share one. */
  eventType: string | undefined;
}

function dispatchWorkflowIdOf({ dispatchId, input }: DispatchStart): string {
  const [first, ...others] = input.events;
  if (dispatchId && others.length > 0) return dispatchWorkflowId(dispatchId);
  if (!first || others.length > 0) throw new Error('A dispatch without an id holds one event');
  return eventWorkflowId(first.eventKey);
}

/** A summary is one line of the Web UI's workflow page. */
const SUMMARY_CHARS = 200;

/** The page's summary in the Web UI: the event's type and id, or how many events and of which types. */
export function dispatchSummary({ input, eventType }: DispatchStart): string {
  const [first, ...others] = input.events;
  if (first && others.length === 0) {
    return `Event ${first.content?.type ?? eventType ?? ''} ${first.content?.id ?? first.eventKey}`;
  }
  // An event too large to travel inline (content) names its type only when all the dispatch's share it.
  const types = new Set(input.events.flatMap((event) => event.content?.type ?? eventType ?? []));
  return shorten(`${input.events.length} events: ${[...types].join(', ')}`, SUMMARY_CHARS);
}

/** The workflow that delivers a dispatch; one that started before is left alone. */
export async function startDispatchWorkflow({ temporal, taskQueue }: StartDependencies, dispatch: DispatchStart) {
  const { input, eventType } = dispatch;
  await startUnlessStarted(
    temporal.workflow.start<WorkflowNamed<typeof DISPATCH_WORKFLOW>>(DISPATCH_WORKFLOW, {
      workflowId: dispatchWorkflowIdOf(dispatch),
      taskQueue,
      // A closed workflow for this dispatch means it was handled; never run it twice.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [input],
      staticSummary: dispatchSummary(dispatch),
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.ownerId, value: input.ownerId },
        { key: SEARCH_ATTRIBUTES.eventIds, value: input.events.map((event) => event.eventKey) },
        ...(eventType ? [{ key: SEARCH_ATTRIBUTES.eventType, value: eventType }] : []),
      ],
    }),
  );
}

/** A delivery as its workflow's search attributes and Web UI summary name it. */
export interface DeliveryOfWorkflow {
  deliveryId: DeliveryId;
  hookId: HookId;
  ownerId: OwnerId;
  eventType?: string;
  /** The page's one-line summary (activities/delivery-summary.ts). */
  summary: string;
}

function deliverySearchAttributes(delivery: DeliveryOfWorkflow, status: 'retrying' | 'failed') {
  return [
    { key: SEARCH_ATTRIBUTES.hookId, value: delivery.hookId },
    { key: SEARCH_ATTRIBUTES.ownerId, value: delivery.ownerId },
    ...(delivery.eventType ? [{ key: SEARCH_ATTRIBUTES.eventType, value: delivery.eventType }] : []),
    { key: SEARCH_ATTRIBUTES.deliveryStatus, value: status },
  ];
}

export interface RetryChainStart {
  delivery: DeliveryOfWorkflow;
  delayMs: number;
  /** What the attempt before the chain came to: the page's details until the chain's first attempt. */
  lastError?: string;
  /** A new chain refuses to start where one ever ran; a resumed one carries on after its parked chain ended, or joins the one still waiting. */
  mode: 'new' | 'resume';
}

/** The retry chain of one delivery. */
export async function startRetryWorkflow(
  { temporal, taskQueue }: StartDependencies,
  { delivery, delayMs, lastError, mode }: RetryChainStart,
) {
  await startUnlessStarted(
    temporal.workflow.start<WorkflowNamed<typeof RETRY_WORKFLOW>>(RETRY_WORKFLOW, {
      workflowId: deliveryWorkflowId(delivery.deliveryId),
      taskQueue,
      ...(mode === 'new'
        ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const }
        : { workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const, workflowIdConflictPolicy: 'USE_EXISTING' as const }),
      args: [{ deliveryId: delivery.deliveryId, delayMs }],
      typedSearchAttributes: deliverySearchAttributes(delivery, 'retrying'),
      staticSummary: delivery.summary,
      ...(lastError ? { staticDetails: `Retrying after: ${lastError}` } : {}),
    }),
  );
}

/**
 * Puts a delivery that failed for good outside a retry workflow on record in
 * the Web UI (workflows/failed-delivery.ts): one run per delivery, so a
 * retried call starts nothing twice.
 */
export async function startFailedDeliveryWorkflow(
  { temporal, taskQueue }: StartDependencies,
  { delivery, failureReason }: { delivery: DeliveryOfWorkflow; failureReason: string },
) {
  await startUnlessStarted(
    temporal.workflow.start<WorkflowNamed<typeof FAILED_DELIVERY_WORKFLOW>>(FAILED_DELIVERY_WORKFLOW, {
      workflowId: failedDeliveryWorkflowId(delivery.deliveryId),
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ deliveryId: delivery.deliveryId, failureReason }],
      typedSearchAttributes: deliverySearchAttributes(delivery, 'failed'),
      staticSummary: delivery.summary,
      staticDetails: failureReason,
    }),
  );
}

/** The workflow that disables a failing hook and mails its owner: one per enabled spell (disableHookWorkflowId). */
export async function startHookDisablingWorkflow(
  { temporal, taskQueue }: StartDependencies,
  { hookId, spell, reason }: { hookId: HookId; spell: number; reason: string },
) {
  await startUnlessStarted(
    temporal.workflow.start<WorkflowNamed<typeof DISABLE_HOOK_WORKFLOW>>(DISABLE_HOOK_WORKFLOW, {
      workflowId: disableHookWorkflowId(hookId, spell),
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ hookId, reason, spell }],
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.hookId, value: hookId }],
    }),
  );
}

/**
 * Announces a switch of a hook through the API (workflows/announce-hook-switch.ts): one run per switch, so that a
 * request retried after a 503 starts what its first try may not have.
 */
export async function startHookSwitchAnnouncement(
  { temporal, taskQueue }: StartDependencies,
  input: Parameters<WorkflowNamed<typeof HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW>>[0],
) {
  await startUnlessStarted(
    temporal.workflow.start<WorkflowNamed<typeof HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW>>(
      HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW,
      {
        workflowId: hookSwitchAnnouncementId(input.hookId, input.switchedTo, input.spell),
        taskQueue,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
        typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.hookId, value: input.hookId }],
      },
    ),
  );
}

/** Resumes a re-enabled hook's paused deliveries. A resume already running goes on; one that finished may run again. */
export async function startResumePausedWorkflow({ temporal, taskQueue }: StartDependencies, hookId: HookId) {
  await temporal.workflow.start<WorkflowNamed<typeof RESUME_PAUSED_WORKFLOW>>(RESUME_PAUSED_WORKFLOW, {
    workflowId: `resume-paused:${hookId}`,
    taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ hookId }],
    typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.hookId, value: hookId }],
  });
}

/**
 * An owner's deletion. Asked again while it runs, it goes on (one per owner);
 * a retried request after a crash still gets it started.
 */
export async function startOwnerDeletionWorkflow({ temporal, taskQueue }: StartDependencies, ownerId: OwnerId) {
  await temporal.workflow.start<WorkflowNamed<typeof DELETE_OWNER_WORKFLOW>>(DELETE_OWNER_WORKFLOW, {
    workflowId: deleteOwnerWorkflowId(ownerId),
    taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ ownerId }],
    typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.ownerId, value: ownerId }],
  });
}

/**
 * Pauses a target host (see workflows/pause-host.ts). While one pause runs,
 * another start finds it; once it ended, the host may be paused again.
 */
export async function startHostPauseWorkflow(
  { temporal, taskQueue }: StartDependencies,
  input: { host: string; failures: number; pause: string },
) {
  await temporal.workflow.start<WorkflowNamed<typeof PAUSE_HOST_WORKFLOW>>(PAUSE_HOST_WORKFLOW, {
    workflowId: hostPauseWorkflowId(input.host),
    taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [input],
    staticSummary: `Sends to ${input.host} paused for ${input.pause}: ${input.failures} failures`,
  });
}

/**
 * Tells a lane (a paced hook's, or an ordered hook's for one key) that
 * deliveries wait for it, starting the lane if none runs (signal-with-start):
 * a lane that closed is started again, and one closing as the signal lands
 * takes it in before it completes (workflows/hook-lane.ts).
 */
export async function signalHookLane({ temporal, taskQueue }: StartDependencies, lane: LaneAddress) {
  await temporal.workflow.signalWithStart<WorkflowNamed<typeof HOOK_LANE_WORKFLOW>, []>(HOOK_LANE_WORKFLOW, {
    workflowId: hookLaneWorkflowId(lane),
    taskQueue,
    args: [lane],
    signal: LANE_SIGNAL,
    signalArgs: [],
    // How ops find a hook's lanes in the Web UI.
    typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.hookId, value: lane.hookId }],
    staticSummary:
      lane.orderingKey === undefined
        ? `Paced deliveries of hook ${lane.hookId}`
        : `Ordered deliveries of hook ${lane.hookId}, key ${JSON.stringify(lane.orderingKey)}`,
  });
}

export interface ReplayStart {
  replay: { _id: ReplayId; ownerId: OwnerId; hookId?: HookId | null };
  ratePerSecond: number;
}

/** A replay's workflow; its id refuses a second run, so that one Idempotency-Key is one replay. */
export async function startReplayWorkflow(
  { temporal, taskQueue }: StartDependencies,
  { replay, ratePerSecond }: ReplayStart,
) {
  await startUnlessStarted(
    temporal.workflow.start<WorkflowNamed<typeof REPLAY_WORKFLOW>>(REPLAY_WORKFLOW, {
      workflowId: replayWorkflowId(replay._id),
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ replayId: replay._id, ratePerSecond }],
      // How ops find a replay's workflow in the Web UI.
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.replayId, value: replay._id },
        { key: SEARCH_ATTRIBUTES.ownerId, value: replay.ownerId },
        ...(replay.hookId ? [{ key: SEARCH_ATTRIBUTES.hookId, value: replay.hookId }] : []),
      ],
    }),
  );
}

/**
 * A hook test: a fresh workflow each time, whose execution timeout bounds the
 * wait for its answer (`waitMs`), so that a worker that starts later never
 * sends a stale test.
 */
export function startHookTestWorkflow(
  { temporal, taskQueue }: StartDependencies,
  input: Parameters<WorkflowNamed<typeof HOOK_TEST_WORKFLOW>>[0],
  waitMs: number,
): Promise<WorkflowHandle<WorkflowNamed<typeof HOOK_TEST_WORKFLOW>>> {
  return temporal.workflow.start<WorkflowNamed<typeof HOOK_TEST_WORKFLOW>>(HOOK_TEST_WORKFLOW, {
    workflowId: `hook-test:${input.hookId}:${newId('event')}`,
    taskQueue,
    workflowExecutionTimeout: waitMs,
    args: [input],
  });
}

/** What each tick of a replay schedule starts: the schedule's recovery, one run per tick. */
export function scheduledRecoveryAction(
  taskQueue: string,
  scheduleId: ReplayScheduleId,
): ScheduleOptionsStartWorkflowAction<WorkflowNamed<typeof SCHEDULED_RECOVERY_WORKFLOW>> {
  return {
    type: 'startWorkflow',
    workflowType: SCHEDULED_RECOVERY_WORKFLOW,
    workflowId: `scheduled-recovery:${scheduleId}`,
    taskQueue,
    args: [{ scheduleId }],
  };
}

/** What each tick of the retention schedule (`scheduleId`, one per task queue) starts. */
export function retentionAction(
  taskQueue: string,
  scheduleId: string,
  retention: string,
): ScheduleOptionsStartWorkflowAction<WorkflowNamed<typeof RETENTION_WORKFLOW>> {
  return {
    type: 'startWorkflow',
    workflowType: RETENTION_WORKFLOW,
    workflowId: scheduleId,
    taskQueue,
    args: [{ retention }],
  };
}
