/**
 * A dispatch: events of one owner that arrived together and are delivered by
 * one workflow (group commit, issue 13). At low load a dispatch holds a single
 * event and its workflow is `event:<eventKey>`, as before; an owner's stream
 * shares one per DISPATCH_INTERVAL_MS (EventDispatcher). Shared by the API,
 * which stores events and starts their dispatch, and the workflows, which
 * deliver it: free of I/O.
 */
import type { DispatchId, EventId, EventKey, OwnerId } from '../core/ids';

/** The event as targets render it, as it travels in a workflow's input (JSON: the date as ISO text). */
export interface DispatchedContent {
  id: EventId;
  type: string;
  ownerId: OwnerId;
  resourceType?: string;
  resourceId?: string;
  orderingKey?: string;
  messageId?: string;
  /** ISO 8601. */
  createdAt: string;
  data: unknown;
}

export interface DispatchedEvent {
  /** The event's record id (eventKey). */
  eventKey: EventKey;
  /** Where it stands in the order events were accepted (core/ordering.ts); absent in dispatches started before. */
  sequence?: number;
  /**
   * The event itself when its JSON is at most INLINE_CONTENT_LIMIT bytes, so
   * that the worker does not read it back; otherwise the worker reads it by eventKey.
   */
  content?: DispatchedContent;
}

export interface DeliverDispatchInput {
  ownerId: OwnerId;
  /** What its events name as their dispatch: the fan-out records it done by it (models/fan-out-pending.ts). */
  dispatchId?: DispatchId;
  /** In arrival order; at most MAX_EVENTS_PER_DISPATCH. */
  events: DispatchedEvent[];
}

/**
 * An owner's events start at most one workflow per this interval and API
 * process (EventDispatcher), unless HOOKFLOW_DISPATCH_INTERVAL says otherwise:
 * those that come within it of the last start share the next one.
 * Temporal and the worker spend about 50 ms of CPU per workflow on this
 * machine whatever it carries (`tsx bench/dispatch-cost.ts`: 5 events a
 * dispatch cost 3.2 ms per delivery, 1 event 12 ms), so a 50 events/s stream
 * costs about a quarter of what it did with a workflow per event, and each
 * delivery waits at most this long more after its 202.
 */
export const DISPATCH_INTERVAL_MS = 100;

/** Bounds the workflow input and the EventIds search attribute, which lists every event key. */
export const MAX_EVENTS_PER_DISPATCH = 100;

/** Events larger than this travel by key: 100 of them stay well under Temporal's 2 MB payload limit. */
export const INLINE_CONTENT_LIMIT = 16 * 1024;
