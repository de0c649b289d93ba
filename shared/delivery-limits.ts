/**
 * How long one attempt may take, shared by the bound the API puts on a hook's
 * `delivery.timeout` (core/delivery-settings.ts) and the activity timeouts the
 * workflows set around attempts, which must outlast the slowest attempt they
 * make: raising one without the other would cut slow receivers off mid-answer.
 */

/** A hook's own `delivery.timeout` goes up to this (90 s, as Braze's webhooks allow). */
export const MAX_HOOK_TIMEOUT_MS = 90_000;

/** What an activity around attempts needs beyond them: reading the hook and the event, recording the outcome. */
export const ATTEMPT_BOOKKEEPING_MS = 60_000;
