import type { DeliveryId } from '../core/ids';
import { failForGood } from './exhausted';

/**
 * A delivery that failed for good without a retry workflow of its own (a 410
 * or a 400 on its first attempt, a template that does not render, a lane's
 * last attempt), put on record in the Temporal Web UI: it fails as a retry
 * workflow that gives up does, so that `DeliveryStatus = 'failed'` and the
 * UI's failure views find every delivery that failed, once it has announced
 * the give-up (hookflow.delivery.exhausted).
 */
export function failedDelivery(input: { deliveryId: DeliveryId; failureReason: string }): Promise<never> {
  return failForGood(input.deliveryId, input.failureReason);
}
