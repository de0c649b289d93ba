import { ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { deliveryWorkflowId, replayScheduleId, replayWorkflowId } from '../shared/temporal-names';
import type { DeliveryId, ReplayId, ReplayScheduleId } from '../core/ids';

/** Asks a workflow to stop; one that has finished, or never started, has nothing left to stop. */
async function cancelIfRunning(temporal: Client, workflowId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(workflowId).cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/** Stops a replay's pages; its cancellation handler then cancels the retries of what it sent. */
export function cancelReplayWorkflow(temporal: Client, replayId: ReplayId): Promise<void> {
  return cancelIfRunning(temporal, replayWorkflowId(replayId));
}

/** Stops a delivery's retry workflow, timers and all. */
export function cancelRetryWorkflow(temporal: Client, deliveryId: DeliveryId): Promise<void> {
  return cancelIfRunning(temporal, deliveryWorkflowId(deliveryId));
}

/** Removes a replay schedule from Temporal; one already gone is fine. */
export async function removeReplaySchedule(temporal: Client, scheduleId: ReplayScheduleId): Promise<void> {
  try {
    await temporal.schedule.getHandle(replayScheduleId(scheduleId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
