import { proxyActivities, setCurrentDetails, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NextStep } from '../activities/retry-plan';
import { SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import { failForGood } from './exhausted';
import type { DeliveryId } from '../core/ids';
import { ATTEMPT_BOOKKEEPING_MS, MAX_HOOK_TIMEOUT_MS } from '../shared/delivery-limits';

const { attemptDelivery } = proxyActivities<Activities>({
  // Longer than the longest per-hook timeout plus bookkeeping.
  startToCloseTimeout: MAX_HOOK_TIMEOUT_MS + ATTEMPT_BOOKKEEPING_MS,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What a run's page says of the attempt just made, and of what follows. */
function detailsOf(next: NextStep): string {
  if (next.status === 'retrying' && next.delayMs !== undefined) {
    return `Retrying after: ${next.lastError ?? 'a failed attempt'}`;
  }
  if (next.status === 'retrying') return "Handed to its hook's lane, which sends it from now on";
  if (next.status === 'paused') return `Paused: ${next.failureReason ?? 'its hook is off'}; resumed when it is enabled`;
  return next.failureReason ? `${next.status}: ${next.failureReason}` : next.status;
}

/**
 * Carries one failed delivery through its hook's retry schedule. The waits are
 * Temporal timers, so the schedule survives worker and server restarts; the
 * activity decides each next step from the hook's settings at that moment.
 * A delivery that gives up fails the workflow (DELIVERY_FAILED, its reason as
 * the message) once it is announced (workflows/exhausted.ts); any other end completes it with the delivery's status.
 * DeliveryStatus says where the delivery stands for as long as this run
 * carries it: a run that hands it on (to its hook's lane, or paused until a
 * resume, which starts a run of its own) clears it, since a closed run
 * cannot follow what comes next.
 */
export async function retryDelivery(input: { deliveryId: DeliveryId; delayMs: number }): Promise<string> {
  let delayMs = input.delayMs;
  for (;;) {
    await sleep(delayMs);
    const next = await attemptDelivery({ deliveryId: input.deliveryId });
    setCurrentDetails(detailsOf(next));
    const handedOn = next.status === 'paused' || (next.status === 'retrying' && next.delayMs === undefined);
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.deliveryStatus, value: handedOn ? null : next.status }]);
    if (next.status === 'failed')
      return failForGood(input.deliveryId, next.failureReason ?? 'The delivery failed for good');
    if (next.status !== 'retrying' || next.delayMs === undefined) return next.status;
    delayMs = next.delayMs;
  }
}
