/**
 * A stand-in for the worker's DISPATCH_WORKFLOW that only reports what it was
 * given, so that the API's group commit is tested on its own: which events
 * each workflow delivers, and under which workflow id.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DeliverDispatchInput } from '../../../shared/dispatch';
import type { RecorderActivities } from './activities';

const { recordDispatch } = proxyActivities<RecorderActivities>({ startToCloseTimeout: '10 seconds' });

export async function deliverDispatch(input: DeliverDispatchInput): Promise<void> {
  await recordDispatch(workflowInfo().workflowId, input);
}
