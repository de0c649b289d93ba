import type { DispatchId } from '../core/ids';
import type { Models } from '../infra/models';

/**
 * Marks a dispatch's events as gone through every hook they go to: ordered
 * lanes stop holding later events' deliveries back for them
 * (activities/ordered-lane.ts). Equalities only; harmless to repeat.
 */
export async function markFannedOut(models: Models, dispatchId: DispatchId): Promise<void> {
  await models.Event.updateMany({ dispatchId, fanOutPending: true }, { $unset: { fanOutPending: 1 } });
}
