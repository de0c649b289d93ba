import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ownerScope, type Caller } from './caller';
import { attemptDetailView } from './deliveries';
import { NotFoundError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import type { testHook } from '../workflows';

export const testHookInput = z.strictObject({
  type: z.string().min(1).max(128).default('hookflow.test'),
  data: z.record(z.string(), z.unknown()).default({ message: 'A test event from Hookflow' }),
});

/**
 * One attempt, no retries, answered synchronously. It runs as a short
 * workflow so that the I/O stays in an activity and ops see it in Temporal.
 */
export async function sendTestEvent(
  deps: { models: Models; temporal: Client; taskQueue: string },
  caller: Caller,
  hookId: string,
  input: z.infer<typeof testHookInput>,
) {
  if (!(await deps.models.Hook.exists({ _id: hookId, ...ownerScope(caller) }))) throw new NotFoundError('hook', hookId);
  const result = await deps.temporal.workflow.execute<typeof testHook>('testHook', {
    workflowId: `hook-test:${hookId}:${newId('event')}`,
    taskQueue: deps.taskQueue,
    args: [{ hookId, type: input.type, data: input.data }],
  });
  return { outcome: result.outcome, attempt: attemptDetailView(result.attempt), messages: result.messages };
}
