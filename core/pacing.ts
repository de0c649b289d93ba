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

/**
 * After a 429 the lane's rate halves (not below 1 a second, at most once a
 * second however many sends in flight got one), then climbs back
 * by a tenth of the hook's rate for each second without one: the way TCP
 * answers congestion, slowed down fast and recovered gently.
 */
const BACK_OFF = 0.5;
const RECOVERY_PER_SECOND = 0.1;
const LOWEST_RATE = 1;

/** The rate after a 429. */
export function slowedRate(inForce: number): number {
  return Math.max(LOWEST_RATE, inForce * BACK_OFF);
}

/** The rate after `elapsedMs` without a 429, never above the hook's own. */
export function recoveredRate(inForce: number, hookRate: number, elapsedMs: number): number {
  return Math.min(hookRate, inForce + (hookRate * RECOVERY_PER_SECOND * elapsedMs) / 1000);
}
