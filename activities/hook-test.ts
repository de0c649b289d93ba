import { ApplicationFailure } from '@temporalio/activity';
import { newId } from '../core/ids';
import type { Models } from '../infra/models';
import type { HookSender } from './hook-sender';
import type { AttemptResult } from '../targets/contract';

/** A synthetic event sent once to one hook; nothing is recorded, the caller gets the outcome. */
export function createHookTestActivities({ models, sender }: { models: Models; sender: HookSender }) {
  return {
    async sendTestDelivery(input: {
      hookId: string;
      type: string;
      data: Record<string, unknown>;
    }): Promise<AttemptResult> {
      const hook = await models.Hook.findById(input.hookId).lean();
      if (!hook) throw ApplicationFailure.nonRetryable(`Hook ${input.hookId} no longer exists`, 'HookNotFound');
      const event = {
        id: newId('event'),
        type: input.type,
        ownerId: hook.ownerId,
        createdAt: new Date(),
        data: input.data,
      };
      return sender.check(hook, newId('delivery'), event);
    },
  };
}
