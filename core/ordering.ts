/**
 * Ordered hooks (`delivery.ordering: "fifo"`): each key's deliveries go out
 * one at a time, in the order their events were accepted, through the key's
 * lane (workflows/hook-lane.ts, activities/ordered-lane.ts). An event's
 * `orderingKey` names the key (a resource id, say); events without one share
 * the hook's default key.
 */
export const ORDERINGS = ['fifo'] as const;
export type Ordering = (typeof ORDERINGS)[number];

/** The key of the events that carry none: one order across all of them, as a hook without keys would have. */
export const DEFAULT_ORDERING_KEY = '';

export interface OrderedHook {
  delivery?: { ordering?: string | null } | null;
}

export function isOrdered(hook: OrderedHook): boolean {
  return hook.delivery?.ordering === 'fifo';
}

export function orderingKeyOf(event: { orderingKey?: string | null }): string {
  return event.orderingKey ?? DEFAULT_ORDERING_KEY;
}

/**
 * Where an event stands in the order its owner's events were accepted:
 * `sequence`, or for an event stored before sequences were, its creation
 * time on the same scale.
 */
export function sequenceOf(event: { sequence?: number | null; createdAt: Date }): number {
  return event.sequence ?? event.createdAt.getTime() * SEQUENCE_PER_MS;
}

/** Sequences per millisecond: room for a thousand events accepted by one process within the same millisecond. */
const SEQUENCE_PER_MS = 1_000;

/**
 * Numbers events as an API process accepts them: the clock's milliseconds,
 * times a thousand, and never less than one more than the last number given
 * (a hybrid clock), so that of two events accepted one after the other the
 * later always gets the larger number, even within one millisecond or when
 * the clock steps back. Between API processes the order follows their
 * clocks: an event accepted after another's answer, on another process,
 * comes after it as long as the two clocks agree to within that round trip
 * (NTP keeps them within a few milliseconds). About 1.8e15 today: a double
 * holds it exactly until the year 2255.
 */
export class AcceptanceClock {
  private last = 0;

  next(now = Date.now()): number {
    this.last = Math.max(now * SEQUENCE_PER_MS, this.last + 1);
    return this.last;
  }
}
