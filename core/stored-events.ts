import type { EventId, OwnerId } from './ids';
import type { StoredEvent } from '../infra/models/event';

/** An event as read back from the store. */
export type StoredEventRecord = StoredEvent & { _id: string; createdAt: Date };

/** An event checked and ready to store: its id and owner are settled. */
export interface NewEvent {
  id: EventId;
  ownerId: OwnerId;
  type: string;
  resourceType?: string;
  resourceId?: string;
  orderingKey?: string;
  messageId?: string;
  data: Record<string, unknown>;
  /** Where it stands in the order its API process accepted events (core/ordering.ts). */
  sequence: number;
}

/** An event as the API shows it and as the worker hands it to a target: the record's own fields left out. */
export function eventView(event: StoredEventRecord) {
  return {
    id: event.id,
    type: event.type,
    ownerId: event.ownerId,
    resourceType: event.resourceType ?? undefined,
    resourceId: event.resourceId ?? undefined,
    orderingKey: event.orderingKey ?? undefined,
    messageId: event.messageId ?? undefined,
    data: event.data as unknown,
    createdAt: event.createdAt,
  };
}
