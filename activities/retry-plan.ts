import type { DeliverySettings, RetryOn } from '../core/delivery-settings';
import { durationMs } from '../core/durations';
import type { DeliveryStatus } from '../infra/models/delivery';
import type { AttemptResult } from '../targets/contract';

/** ±20 %, so that many deliveries failing together do not all come back at the same instant. */
const JITTER = 0.2;

export interface NextStep {
  status: DeliveryStatus;
  /**
   * With `retrying`: how long to wait before the next attempt. A `retrying`
   * step without it is the hook's lane's to send (workflows/hook-lane.ts).
   */
  delayMs?: number;
  failureReason?: string;
}

/** An attempt's failure in a few words: `HTTP 500`, `timeout: ...`. */
export function describeAttempt(result: AttemptResult): string {
  const { attempt } = result;
  return attempt.statusCode !== undefined && attempt.statusCode !== null
    ? `HTTP ${attempt.statusCode}`
    : `${attempt.errorKind ?? 'error'}: ${attempt.errorMessage ?? 'no answer'}`;
}

/**
 * Whether a failed attempt is worth another: what its target judged
 * retryable, and with `any-error` any 4xx answer too, unless the target is
 * gone (that disables the hook whatever the setting).
 */
function worthRetrying(result: AttemptResult, retryOn: RetryOn): boolean {
  if (result.outcome === 'retryable') return true;
  if (retryOn !== 'any-error' || result.disableHook) return false;
  const status = result.attempt.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * What follows an attempt: done, another try after the hook's schedule (or the
 * target's Retry-After), or giving up. `attemptsMade` counts this attempt.
 */
export function nextStep(
  result: AttemptResult,
  settings: Pick<DeliverySettings, 'retrySchedule' | 'retryOn'>,
  attemptsMade: number,
): NextStep {
  if (result.outcome === 'succeeded') return { status: 'succeeded' };
  if (!worthRetrying(result, settings.retryOn)) {
    return { status: 'failed', failureReason: `Not retried: ${describeAttempt(result)}` };
  }
  const planned = settings.retrySchedule[attemptsMade - 1];
  if (planned === undefined) {
    return { status: 'failed', failureReason: `Gave up after ${attemptsMade} attempts; last: ${describeAttempt(result)}` };
  }
  const jittered = durationMs(planned) * (1 - JITTER + Math.random() * 2 * JITTER);
  return { status: 'retrying', delayMs: Math.round(result.retryAfterMs ?? jittered) };
}
