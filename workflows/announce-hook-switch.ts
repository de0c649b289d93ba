import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';

const { announceHookEnabled, announceHookDisabled } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** A switch of a hook through the API; `spell` is its enabledCount after it. */
export type HookSwitch =
  | { hookId: HookId; spell: number; switchedTo: 'enabled'; enabledAt: string; resume: boolean }
  | { hookId: HookId; spell: number; switchedTo: 'disabled' };

/**
 * Tells the hooks that listen that an owner (or the admin) switched a hook on
 * or off (hookflow.hook.enabled, hookflow.hook.disabled). One runs per switch
 * (hookSwitchAnnouncementId), so a retried request announces it once.
 */
export async function announceHookSwitch(input: HookSwitch): Promise<void> {
  if (input.switchedTo === 'enabled') {
    const { hookId, spell, enabledAt, resume } = input;
    await announceHookEnabled({ hookId, spell, enabledAt, resume });
  } else {
    await announceHookDisabled({ hookId: input.hookId, spell: input.spell });
  }
}
