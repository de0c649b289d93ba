/**
 * Hooks whose deliveries one coordinator paces (their lane, workflows/hook-lane.ts):
 * a rate limit, a bound on requests in flight, or a receiver's Retry-After in
 * force. Every other hook keeps the fan-out's fast path.
 */
export interface PacedHook {
  delivery?: { rateLimit?: { perSecond?: number | null } | null; maxInFlight?: number | null } | null;
  throttledUntil?: Date | null;
}

/** How a lane sends a hook's deliveries: at most `perSecond` starts a second, at most `maxInFlight` at once. */
export interface Pacing {
  perSecond?: number;
  maxInFlight?: number;
}

export function pacingOf(hook: PacedHook): Pacing {
  return {
    ...(hook.delivery?.rateLimit?.perSecond ? { perSecond: hook.delivery.rateLimit.perSecond } : {}),
    ...(hook.delivery?.maxInFlight ? { maxInFlight: hook.delivery.maxInFlight } : {}),
  };
}

/** Whether the hook's receiver asked, with Retry-After, to hear nothing until later than `now`. */
export function isThrottled(hook: PacedHook, now: number): boolean {
  return (hook.throttledUntil?.getTime() ?? 0) > now;
}

/** Whether the hook's deliveries go through its lane: one extra test per hook on the fan-out's path. */
export function isPaced(hook: PacedHook, now: number): boolean {
  return Boolean(hook.delivery?.rateLimit?.perSecond || hook.delivery?.maxInFlight || isThrottled(hook, now));
}

/** The HTTP answers whose Retry-After holds back the whole hook, not only the delivery that got it. */
export const THROTTLING_STATUSES: ReadonlySet<number> = new Set([429, 503]);
