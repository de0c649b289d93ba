import type { DispatchId } from '../core/ids';
import type { Models } from '../infra/models';

/**
 * Records a dispatch as gone through every hook of its events
 * (models/fan-out-pending.ts): ordered lanes stop holding later events'
 * deliveries back for them. One document by _id; harmless to repeat.
 */
export async function markFannedOut(models: Models, dispatchId: DispatchId): Promise<void> {
  await models.FanOutPending.deleteOne({ _id: dispatchId });
}
