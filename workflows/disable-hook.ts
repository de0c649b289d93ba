import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';

const { disableHook, emailHookDisabled, announceHookDisabled } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Switches a failing hook off and tells its owner, by mail and by
 * hookflow.hook.disabled to the hooks that listen. One runs per enabled spell
 * (see disableHookWorkflowId, `spell`): however many deliveries notice, one
 * mail and one event go out.
 */
export async function disableFailingHook(input: { hookId: HookId; reason: string; spell?: number }): Promise<boolean> {
  const disabledNow = await disableHook({ hookId: input.hookId, reason: input.reason });
  if (!disabledNow) return false;
  await emailHookDisabled({ hookId: input.hookId });
  await announceHookDisabled({ hookId: input.hookId, ...(input.spell === undefined ? {} : { spell: input.spell }) });
  return true;
}
