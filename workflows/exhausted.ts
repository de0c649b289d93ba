import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeliveryId } from '../core/ids';
import { DELIVERY_FAILED } from '../shared/temporal-names';

const { announceDeliveryExhausted } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Ends a delivery's workflow as failed for good (DELIVERY_FAILED, its reason
 * as the message, which the Web UI's failure views list), once the hooks that
 * listen have been told (hookflow.delivery.exhausted).
 */
export async function failForGood(deliveryId: DeliveryId, failureReason: string): Promise<never> {
  await announceDeliveryExhausted({ deliveryId });
  throw ApplicationFailure.create({ type: DELIVERY_FAILED, message: failureReason, nonRetryable: true });
}
