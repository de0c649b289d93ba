import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';

const { disableHook, emailHookDisabled } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Switches a failing hook off and tells its owner. One runs per enabled spell
 * (see disableHookWorkflowId): however many deliveries notice, one mail goes out.
 */
export async function disableFailingHook(input: { hookId: HookId; reason: string }): Promise<boolean> {
  const disabledNow = await disableHook(input);
  if (disabledNow) await emailHookDisabled({ hookId: input.hookId });
  return disabledNow;
}
