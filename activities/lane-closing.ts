import type { Models } from '../infra/models';
import type { Hook } from '../infra/models/hook';
import { keyDeliveriesOf, laneDeliveriesOf, OPEN_IN_LANE } from '../records/lane-deliveries';
import type { LaneAddress } from '../shared/temporal-names';
import { parkedStep } from './delivery-records';
import type { NextStep } from './retry-plan';

/**
 * A lane whose hook is off or gone: the deliveries it holds are kept, paused,
 * for the hook's return, or cancelled with it.
 */
export async function closeLane(
  models: Models,
  lane: LaneAddress,
  hook: Pick<Hook, 'disabledReason'> | null,
): Promise<void> {
  const step: NextStep = hook ? parkedStep(hook) : { status: 'cancelled', failureReason: 'The hook was deleted' };
  for (const status of OPEN_IN_LANE) {
    const held =
      lane.orderingKey === undefined
        ? laneDeliveriesOf(lane.hookId, status)
        : keyDeliveriesOf(lane.hookId, lane.orderingKey, status);
    await models.Delivery.updateMany(held, {
      $set: { status: step.status, failureReason: step.failureReason },
      $unset: { nextAttemptAt: 1 },
    });
  }
}
