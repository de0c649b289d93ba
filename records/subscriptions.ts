import { subscriptionKeysFor } from '../core/event-patterns';
import type { FilterMatcher, FilterSubject } from '../core/hook-filter';
import { idOf, type HookId } from '../core/ids';
import { isOperational, OPERATIONAL_RESOURCE_TYPE } from '../core/operational-events';
import type { StoredEvent } from '../infra/models/event';
import { RECEIVING_STATES } from '../infra/models/hook';

/** What decides who subscribes to an event: the events of a dispatch that agree on these share their hooks. */
export type SubscriptionKey = Pick<StoredEvent, 'ownerId' | 'type' | 'resourceType' | 'resourceId'>;

/**
 * The loop guard: the hook an operational event is about (its resource), which
 * never receives it, so that a failing hook is not told of its own failures.
 */
export function hookLeftOut(event: Pick<SubscriptionKey, 'type' | 'resourceType' | 'resourceId'>): HookId | undefined {
  return isOperational(event.type) && event.resourceType === OPERATIONAL_RESOURCE_TYPE && event.resourceId
    ? idOf('hook', event.resourceId)
    : undefined;
}

/**
 * The owner's hooks that want this event (type and resource type), after the
 * given hook id: the enabled ones, and those parking their deliveries while
 * they are off, so that nothing is dropped meanwhile; never the hook an
 * operational event is about (hookLeftOut).
 */
export function subscribedHooksFilter(event: SubscriptionKey, afterHookId?: HookId) {
  const leftOut = hookLeftOut(event);
  const ids = { ...(afterHookId ? { $gt: afterHookId } : {}), ...(leftOut ? { $ne: leftOut } : {}) };
  return {
    ownerId: event.ownerId,
    status: { $in: [...RECEIVING_STATES] },
    events: { $in: subscriptionKeysFor(event.type) },
    // A hook without a resource-type filter takes every event; one with a filter, only those it lists.
    resourceTypes: { $in: [null, ...(event.resourceType ? [event.resourceType] : [])] },
    ...(afterHookId || leftOut ? { _id: ids } : {}),
  };
}

/**
 * Whether a hook takes an event, judged in code as subscribedHooksFilter and
 * the fan-out's filter would (for an ordered lane's look at an event whose
 * fan-out is under way: activities/ordered-lane.ts).
 */
export function hookTakes(
  hook: { _id: HookId; events: string[]; resourceTypes?: string[] | null; filterJson?: string | null },
  event: FilterSubject,
  takes: FilterMatcher,
): boolean {
  const leftOut = hookLeftOut(event);
  if (leftOut !== undefined && hook._id === leftOut) return false;
  const keys = new Set(subscriptionKeysFor(event.type));
  if (!hook.events.some((subscription) => keys.has(subscription))) return false;
  if (hook.resourceTypes?.length && !hook.resourceTypes.includes(event.resourceType ?? '')) return false;
  return takes(hook, event);
}
