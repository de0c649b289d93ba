import type { DeliveryContext, DeliveryEvent } from '../../targets/contract';
import { idOf } from '../../core/ids';

export interface DeliveryContextOptions {
  /** Fields of the event that differ from the default one (see `deliveryContext`). */
  event?: Partial<DeliveryEvent>;
  /** Default `hook_1`. */
  hookId?: string;
  /** Default `dlv_1`. */
  deliveryId?: string;
  /** Default 5 seconds. */
  timeoutMs?: number;
}

/**
 * What a target module is handed for one attempt to send to `target` (a hook
 * target as the API takes it). Unless `event` says otherwise the event is
 * `evt_1`, a `dataset-published` of owner `own_1` about dataset `ds-1`,
 * created now, with no data; the hook has no signing secrets. Tests rely on
 * these defaults: change one and their expected texts change with it.
 */
export function deliveryContext<Config extends { type: string }>(
  target: Config,
  { event = {}, hookId = 'hook_1', deliveryId = 'dlv_1', timeoutMs = 5_000 }: DeliveryContextOptions = {},
): DeliveryContext<Config> {
  return {
    deliveryId,
    event: {
      id: idOf('event', 'evt_1'),
      type: 'dataset-published',
      ownerId: idOf('owner', 'own_1'),
      resourceType: 'dataset',
      resourceId: 'ds-1',
      createdAt: new Date(),
      data: {},
      ...event,
    },
    hook: { id: hookId, timeoutMs, signingSecrets: [], target },
  };
}
