import type { Delivery } from './models/delivery';
import type { StoredEvent } from './models/event';
import type { Hook } from './models/hook';
import type { Owner } from './models/owner';

/**
 * What the API shows of each record: `id` instead of `_id`, and nothing that
 * is for internal use only.
 */
type Stored<T> = T & { _id: string; createdAt: Date; updatedAt?: Date };

export function ownerView(owner: Stored<Owner>) {
  return { id: owner._id, name: owner.name, email: owner.email, createdAt: owner.createdAt };
}

export function hookView(hook: Stored<Hook>) {
  return {
    id: hook._id,
    ownerId: hook.ownerId,
    name: hook.name,
    events: hook.events,
    target: hook.target,
    status: hook.status,
    createdAt: hook.createdAt,
    updatedAt: hook.updatedAt,
  };
}

export function deliverySummaryView(delivery: Stored<Delivery>) {
  const last = delivery.attempts.at(-1);
  return {
    id: delivery._id,
    hookId: delivery.hookId,
    status: delivery.status,
    attempts: delivery.attempts.length,
    lastAttempt: last && {
      startedAt: last.startedAt,
      durationMs: last.durationMs,
      statusCode: last.statusCode ?? undefined,
      errorKind: last.errorKind ?? undefined,
      errorMessage: last.errorMessage ?? undefined,
    },
    updatedAt: delivery.updatedAt,
  };
}

export function eventView(event: Stored<StoredEvent>) {
  return {
    id: event._id,
    type: event.type,
    ownerId: event.ownerId,
    data: event.data as unknown,
    createdAt: event.createdAt,
  };
}
