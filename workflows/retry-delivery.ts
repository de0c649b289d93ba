import { proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import type { DeliveryId } from '../core/ids';

const { attemptDelivery } = proxyActivities<Activities>({
  // Longer than the longest per-hook timeout (60 s) plus bookkeeping.
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Carries one failed delivery through its hook's retry schedule. The waits are
 * Temporal timers, so the schedule survives worker and server restarts; the
 * activity decides each next step from the hook's settings at that moment.
 */
export async function retryDelivery(input: { deliveryId: DeliveryId; delayMs: number }): Promise<string> {
  let delayMs = input.delayMs;
  for (;;) {
    await sleep(delayMs);
    const next = await attemptDelivery({ deliveryId: input.deliveryId });
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.deliveryStatus, value: next.status }]);
    if (next.status !== 'retrying' || next.delayMs === undefined) return next.status;
    delayMs = next.delayMs;
  }
}
