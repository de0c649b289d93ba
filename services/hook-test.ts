import { TimeoutFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { ownerScope, type Caller } from '../core/caller';
import { attemptDetailView } from './deliveries';
import { effectiveDeliverySettings, type DeliverySettings } from '../core/delivery-settings';
import { durationMs } from '../core/durations';
import { HookTestTimedOutError, NotFoundError } from '../core/errors';
import type { HookId } from '../core/ids';
import type { Models } from '../infra/models';
import { storableObject } from '../core/storable-json';
import { startHookTestWorkflow } from '../infra/workflow-starters';

export const testHookInput = z.strictObject({
  type: z.string().min(1).max(128).default('hookflow.test'),
  data: storableObject().default({ message: 'A test event from Hookflow' }),
});

/**
 * One attempt, no retries, answered synchronously. It runs as a short
 * workflow so that the I/O stays in an activity and ops see it in Temporal.
 * The workflow's execution timeout bounds the wait: the hook's own delivery
 * timeout, plus `hookTestWait` for a worker to take it. Past that the server
 * closes the workflow, so a worker that starts later never sends a stale test.
 */
export async function sendTestEvent(
  deps: {
    models: Models;
    temporal: Client;
    taskQueue: string;
    deliveryDefaults: DeliverySettings;
    hookTestWait: string;
  },
  caller: Caller,
  hookId: HookId,
  input: z.infer<typeof testHookInput>,
) {
  const hook = await deps.models.Hook.findOne({ _id: hookId, ...ownerScope(caller) }, { delivery: 1 }).lean();
  if (!hook) throw new NotFoundError('hook', hookId);
  const waitMs =
    durationMs(effectiveDeliverySettings(deps.deliveryDefaults, hook.delivery).timeout) + durationMs(deps.hookTestWait);
  const test = await startHookTestWorkflow(deps, { hookId, type: input.type, data: input.data }, waitMs);
  try {
    const result = await test.result();
    return { outcome: result.outcome, attempt: attemptDetailView(result.attempt), messages: result.messages };
  } catch (error) {
    if (error instanceof WorkflowFailedError && error.cause instanceof TimeoutFailure) {
      throw new HookTestTimedOutError(hookId, waitMs, test.workflowId);
    }
    throw error;
  }
}
