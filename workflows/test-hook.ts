import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';

const { sendTestDelivery } = proxyActivities<Activities>({
  // Longer than the longest per-hook timeout (60 s), and never retried: a test is one attempt.
  startToCloseTimeout: '90 seconds',
  retry: { maximumAttempts: 1 },
});

/** Sends one synthetic event to one hook and reports what the target answered. */
export async function testHook(input: { hookId: HookId; type: string; data: Record<string, unknown> }) {
  return sendTestDelivery(input);
}
