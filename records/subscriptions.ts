import { subscriptionKeysFor } from '../core/event-patterns';
import type { FilterMatcher, FilterSubject } from '../core/hook-filter';
import type { HookId } from '../core/ids';
import type { StoredEvent } from '../infra/models/event';
import { RECEIVING_STATES } from '../infra/models/hook';

/** What decides who subscribes to an event: the events of a dispatch that agree on these share their hooks. */
export type SubscriptionKey = Pick<StoredEvent, 'ownerId' | 'type' | 'resourceType'>;

/**
 * The owner's hooks that want this event (type and resource type), after the
 * given hook id: the enabled ones, and those parking their deliveries while
 * they are off, so that nothing is dropped meanwhile.
 */
export function subscribedHooksFilter(event: SubscriptionKey, afterHookId?: HookId) {
  return {
    ownerId: event.ownerId,
    status: { $in: [...RECEIVING_STATES] },
    events: { $in: subscriptionKeysFor(event.type) },
    // A hook without a resource-type filter takes every event; one with a filter, only those it lists.
    resourceTypes: { $in: [null, ...(event.resourceType ? [event.resourceType] : [])] },
    ...(afterHookId ? { _id: { $gt: afterHookId } } : {}),
  };
}

/**
 * Whether a hook takes an event, judged in code as subscribedHooksFilter and
 * the fan-out's filter would (for an ordered lane's look at an event whose
 * fan-out is under way: activities/ordered-lane.ts).
 */
export function hookTakes(
  hook: { events: string[]; resourceTypes?: string[] | null; filterJson?: string | null },
  event: FilterSubject,
  takes: FilterMatcher,
): boolean {
  const keys = new Set(subscriptionKeysFor(event.type));
  if (!hook.events.some((subscription) => keys.has(subscription))) return false;
  if (hook.resourceTypes?.length && !hook.resourceTypes.includes(event.resourceType ?? '')) return false;
  return takes(hook, event);
}
