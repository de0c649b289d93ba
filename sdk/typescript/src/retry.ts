/** When to try a request again, and how long to wait first. */

/** 429 and 503 say "not now" and nothing was done: the same request may be sent again. */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

const FIRST_DELAY_MS = 500;
const LONGEST_BACKOFF_MS = 8_000;

/**
 * The wait before retry number `retry` (0 for the first): what `Retry-After` asked for, or exponential backoff
 * with jitter (half to all of 0.5 s, 1 s, 2 s, ... up to 8 s) so that many clients do not come back at once.
 * Undefined when the server asked for longer than `maxDelayMs`: better to fail now than to hang.
 */
export function retryDelayMs(
  retry: number,
  retryAfterSeconds: number | undefined,
  maxDelayMs: number,
): number | undefined {
  if (retryAfterSeconds !== undefined) {
    const asked = retryAfterSeconds * 1000;
    return asked > maxDelayMs ? undefined : asked;
  }
  const backoff = Math.min(LONGEST_BACKOFF_MS, FIRST_DELAY_MS * 2 ** retry);
  return Math.min(maxDelayMs, backoff / 2 + Math.random() * (backoff / 2));
}

/** `Retry-After` in seconds, from either of its forms (delay-seconds or an HTTP date); undefined if absent or bad. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
