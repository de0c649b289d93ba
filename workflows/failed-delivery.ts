import { ApplicationFailure } from '@temporalio/workflow';
import type { DeliveryId } from '../core/ids';
import { DELIVERY_FAILED } from '../shared/temporal-names';

/**
 * A delivery that failed for good without a retry workflow of its own (a 410
 * or a 400 on its first attempt, a template that does not render, a lane's
 * last attempt), put on record in the Temporal Web UI: it fails at once as a
 * retry workflow that gives up does, so that `DeliveryStatus = 'failed'` and
 * the UI's failure views find every delivery that failed. It does nothing else.
 */
export function failedDelivery(input: { deliveryId: DeliveryId; failureReason: string }): Promise<never> {
  return Promise.reject(
    ApplicationFailure.create({ type: DELIVERY_FAILED, message: input.failureReason, nonRetryable: true }),
  );
}
