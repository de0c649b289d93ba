import { z } from 'zod';
import { MAX_HOOK_TIMEOUT_MS } from '../shared/delivery-limits';
import { duration } from './durations';

/**
 * Which failed attempts are tried again: `transient` ones (network errors, timeouts, 408, 425, 429, 5xx), or
 * `any-error`, every 4xx as well (Creads retries on any HTTP error), but for a target that is gone (410 and
 * the providers' own ways of saying so), which still disables the hook.
 */
export const RETRY_ON = ['transient', 'any-error'] as const;
export type RetryOn = (typeof RETRY_ON)[number];

/** How hard Hookflow tries for a hook: per-attempt timeout, waits between attempts, when to give up on the hook. */
export interface DeliverySettings {
  timeout: string;
  /** The waits after the first attempt; one more attempt per entry. */
  retrySchedule: string[];
  retryOn: RetryOn;
  /** Disable the hook once this many attempts in a row failed over at least this long. */
  disableAfter: { failures: number; window: string };
}

/** What a hook may set for itself; anything it leaves out follows the global defaults. */
export interface DeliveryOverrides {
  timeout?: string | null;
  retrySchedule?: string[] | null;
  retryOn?: RetryOn | null;
  disableAfter?: { failures?: number | null; window?: string | null } | null;
  /** Pacing (core/pacing.ts): per hook only, no global default. */
  rateLimit?: { perSecond?: number | null } | null;
  maxInFlight?: number | null;
}

/** About 27 hours of retries in all, with ±20 % jitter: a receiver down for a day loses nothing. */
export const BUILT_IN_DELIVERY_SETTINGS: DeliverySettings = {
  timeout: '15s',
  retrySchedule: ['5s', '5m', '30m', '2h', '5h', '10h', '10h'],
  retryOn: 'transient',
  disableAfter: { failures: 100, window: '24h' },
};

/** The bounds of each setting, the same for the global defaults and for a hook's own values but the timeout's. */
export const deliverySetting = {
  /** A hook's own: up to 90 s, for a receiver known to be slow. */
  timeout: duration({ min: '100ms', max: `${MAX_HOOK_TIMEOUT_MS / 1000}s` }),
  /**
   * The global default (HOOKFLOW_DELIVERY_TIMEOUT) stays within 60 s: it holds a send slot that long for every
   * hook that sets none, where a hook's own 90 s is its owner's choice for one receiver.
   */
  defaultTimeout: duration({ min: '100ms', max: '60s' }),
  retrySchedule: z.array(duration({ min: '1s', max: '7d' })).max(30),
  retryOn: z.enum(RETRY_ON),
  disableAfterFailures: z.number().int().min(1).max(100_000),
  disableAfterWindow: duration({ max: '30d' }),
  // Whole requests a second: a lane's budget is counted in requests, and a receiver's limits are too.
  rateLimitPerSecond: z.number().int().min(1).max(1_000),
  maxInFlight: z.number().int().min(1).max(1_000),
};

/** A hook's settings in force: its own values where it has them, the defaults elsewhere. */
export function effectiveDeliverySettings(
  defaults: DeliverySettings,
  overrides: DeliveryOverrides | null | undefined,
): DeliverySettings {
  return {
    timeout: overrides?.timeout ?? defaults.timeout,
    retrySchedule: overrides?.retrySchedule ?? defaults.retrySchedule,
    retryOn: overrides?.retryOn ?? defaults.retryOn,
    disableAfter: {
      failures: overrides?.disableAfter?.failures ?? defaults.disableAfter.failures,
      window: overrides?.disableAfter?.window ?? defaults.disableAfter.window,
    },
  };
}
