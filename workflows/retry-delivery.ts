import { ApplicationFailure, proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DELIVERY_FAILED, SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import type { DeliveryId } from '../core/ids';
import { ATTEMPT_BOOKKEEPING_MS, MAX_HOOK_TIMEOUT_MS } from '../shared/delivery-limits';

const { attemptDelivery } = proxyActivities<Activities>({
  // Longer than the longest per-hook timeout plus bookkeeping.
  startToCloseTimeout: MAX_HOOK_TIMEOUT_MS + ATTEMPT_BOOKKEEPING_MS,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Carries one failed delivery through its hook's retry schedule. The waits are
 * Temporal timers, so the schedule survives worker and server restarts; the
 * activity decides each next step from the hook's settings at that moment.
 * A delivery that gives up fails the workflow (DELIVERY_FAILED, its reason as
 * the message); any other end completes it with the delivery's status.
 */
export async function retryDelivery(input: { deliveryId: DeliveryId; delayMs: number }): Promise<string> {
  let delayMs = input.delayMs;
  for (;;) {
    await sleep(delayMs);
    const next = await attemptDelivery({ deliveryId: input.deliveryId });
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.deliveryStatus, value: next.status }]);
    if (next.status === 'failed') {
      throw ApplicationFailure.create({
        type: DELIVERY_FAILED,
        message: next.failureReason ?? 'The delivery failed for good',
        nonRetryable: true,
      });
    }
    if (next.status !== 'retrying' || next.delayMs === undefined) return next.status;
    delayMs = next.delayMs;
  }
}
