import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { replayWorkflowId, SCHEDULED_START_TIME, SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import { replayDeliveries } from './replay-deliveries';
import type { ReplayScheduleId } from '../core/ids';

const { prepareScheduledRecoveries } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One tick of a replay schedule: recovers what was missed in the window
 * before the tick (a backfilled tick looks back from its own time), one
 * recovery per hook, and waits for them, so that the schedule's SKIP policy
 * keeps runs from piling up.
 */
export async function scheduledRecovery(input: { scheduleId: ReplayScheduleId }): Promise<number> {
  const tick = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME) ?? new Date();
  const recoveries = await prepareScheduledRecoveries({ scheduleId: input.scheduleId, at: tick.toISOString() });
  for (const recovery of recoveries) {
    try {
      await executeChild(replayDeliveries, {
        workflowId: replayWorkflowId(recovery.replayId),
        args: [recovery],
        typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.replayId, value: recovery.replayId }],
      });
    } catch (error) {
      // An earlier run of this tick already ran it.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return recoveries.length;
}
