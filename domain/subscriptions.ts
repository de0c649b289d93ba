import { subscriptionKeysFor } from './event-patterns';
import type { StoredEvent } from './models/event';

/** The owner's enabled hooks that want this event (type and resource type), after the given hook id. */
export function subscribedHooksFilter(event: StoredEvent, afterHookId?: string) {
  return {
    ownerId: event.ownerId,
    status: 'enabled' as const,
    events: { $in: subscriptionKeysFor(event.type) },
    // A hook without a resource-type filter takes every event; one with a filter, only those it lists.
    resourceTypes: { $in: [null, ...(event.resourceType ? [event.resourceType] : [])] },
    ...(afterHookId ? { _id: { $gt: afterHookId } } : {}),
  };
}
