import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';
import { ATTEMPT_BOOKKEEPING_MS, MAX_HOOK_TIMEOUT_MS } from '../shared/delivery-limits';

const { sendTestDelivery } = proxyActivities<Activities>({
  // Longer than the longest per-hook timeout plus bookkeeping, and never retried: a test is one attempt.
  startToCloseTimeout: MAX_HOOK_TIMEOUT_MS + ATTEMPT_BOOKKEEPING_MS,
  retry: { maximumAttempts: 1 },
});

/** Sends one synthetic event to one hook and reports what the target answered. */
export async function testHook(input: { hookId: HookId; type: string; data: Record<string, unknown> }) {
  return sendTestDelivery(input);
}
