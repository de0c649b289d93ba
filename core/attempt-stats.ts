/**
 * What per-hook health counts of each attempt (activities/hook-stats.ts adds
 * them up, services/hook-stats.ts reads them): a bounded set of failure
 * kinds, and durations in fixed buckets, so that counters of any minutes and
 * hours can be summed and still give percentiles.
 */

/** Why an attempt failed, in few enough kinds to keep a counter of each. */
export const FAILURE_KINDS = [
  'http_4xx',
  'http_5xx',
  /** An answer the target judged a failure that is not a 4xx or 5xx (a 3xx, a provider's error in a 200). */
  'http_other',
  'timeout',
  /** No answer: refused or reset connections, DNS, TLS, an address the guard refused. */
  'network',
  /** A template or payload that could not be rendered. */
  'render',
  /** The hook cannot be sent as it stands: an unreadable secret, SMTP credentials or addresses refused. */
  'config',
  'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

const NETWORK_ERRORS = new Set(['connection', 'dns', 'tls', 'private_address']);
const CONFIG_ERRORS = new Set(['secret_unreadable', 'auth', 'envelope', 'config']);

/** The kind of a failed attempt, from the status it got or the errorKind its sender recorded (targets/). */
export function failureKindOf(attempt: { statusCode?: number | null; errorKind?: string | null }): FailureKind {
  const { statusCode, errorKind } = attempt;
  if (typeof statusCode === 'number') {
    if (statusCode >= 400 && statusCode < 500) return 'http_4xx';
    if (statusCode >= 500 && statusCode < 600) return 'http_5xx';
    return 'http_other';
  }
  if (errorKind === 'timeout') return 'timeout';
  if (errorKind === 'render') return 'render';
  if (errorKind && NETWORK_ERRORS.has(errorKind)) return 'network';
  if (errorKind && CONFIG_ERRORS.has(errorKind)) return 'config';
  return 'other';
}

/**
 * Upper bounds (ms, inclusive) of the attempt-duration buckets; one more
 * bucket holds what is slower than the last. Roughly ×2.5 apart, as
 * Prometheus' default buckets are: fine where receivers usually answer
 * (tens to hundreds of ms), coarse near the timeouts.
 */
export const DURATION_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const;

/** How many buckets a histogram has: one per bound, and the overflow. */
export const DURATION_BUCKETS = DURATION_BOUNDS_MS.length + 1;

/** The bucket a duration falls in: the first whose bound it does not exceed, else the overflow. */
export function durationBucketOf(durationMs: number): number {
  const index = DURATION_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return index === -1 ? DURATION_BOUNDS_MS.length : index;
}

/**
 * The q-quantile (0 < q <= 1) of durations counted per bucket, or undefined
 * with none counted. As Prometheus' histogram_quantile: find the bucket that
 * holds the rank q × count, and interpolate linearly within it (the first
 * bucket starts at 0). The true value lies in that same bucket, so the error
 * is at most the bucket's width: under 10 ms below 10 ms, then at most 60 % of
 * the answer (25 against 10 ms, say). A quantile in the overflow bucket is
 * given as the last bound: "at least 30 s".
 */
export function quantileOfBuckets(counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  const index = counts.findIndex((count) => {
    if (count > 0 && below + count >= rank) return true;
    below += count;
    return false;
  });
  const upper = DURATION_BOUNDS_MS[index];
  const last = DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1];
  if (index === -1 || upper === undefined) return last;
  const lower = index === 0 ? 0 : (DURATION_BOUNDS_MS[index - 1] as number);
  return Math.round(lower + ((upper - lower) * (rank - below)) / (counts[index] as number));
}
