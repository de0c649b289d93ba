import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextStep } from '../activities/retry-plan';
import { classifyHttpStatus, parseRetryAfter } from '../targets/sending/outcome';
import type { RetryOn } from '../core/delivery-settings';
import type { AttemptResult } from '../targets/contract';

const attempt = (statusCode?: number, errorKind?: string) => ({
  startedAt: new Date(),
  durationMs: 5,
  statusCode,
  errorKind,
});

/** A hook's schedule with the default classification, or with `retryOn` as given. */
const plan = (retrySchedule: string[], retryOn: RetryOn = 'transient') => ({ retrySchedule, retryOn });

describe('retry policy', () => {
  it('retries throttling, timeouts and server errors; fails other 4xx and 3xx at once', () => {
    for (const status of [200, 201, 204, 299]) assert.equal(classifyHttpStatus(status), 'succeeded', String(status));
    for (const status of [408, 425, 429, 500, 502, 503, 504, 599])
      assert.equal(classifyHttpStatus(status), 'retryable', String(status));
    for (const status of [301, 302, 304, 400, 401, 403, 404, 409, 410, 413, 422]) {
      assert.equal(classifyHttpStatus(status), 'permanent', String(status));
    }
  });

  it('reads Retry-After as seconds or a date, held within 1 s and 1 h', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('0', now), 1_000);
    assert.equal(parseRetryAfter('86400', now), 3_600_000);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 10:02:00 GMT', now), 120_000);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now), 1_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('follows the schedule with ±20 % jitter, then gives up saying why', () => {
    const failure: AttemptResult = { outcome: 'retryable', attempt: attempt(503) };
    const delays = Array.from({ length: 200 }, () => nextStep(failure, plan(['5s', '5m']), 1).delayMs as number);
    assert.ok(
      Math.min(...delays) >= 4_000 && Math.max(...delays) <= 6_000,
      `${Math.min(...delays)}..${Math.max(...delays)}`,
    );
    assert.ok(new Set(delays).size > 100, 'delays are spread, not all equal');
    const second = nextStep(failure, plan(['5s', '5m']), 2);
    assert.ok((second.delayMs as number) >= 240_000 && (second.delayMs as number) <= 360_000);
    assert.deepEqual(nextStep(failure, plan(['5s', '5m']), 3), {
      status: 'failed',
      failureReason: 'Gave up after 3 attempts; last: HTTP 503',
    });
  });

  it("lets the target's Retry-After replace the scheduled delay", () => {
    const throttled: AttemptResult = { outcome: 'retryable', attempt: attempt(429), retryAfterMs: 120_000 };
    assert.deepEqual(nextStep(throttled, plan(['5s']), 1), {
      status: 'retrying',
      delayMs: 120_000,
      lastError: 'HTTP 429',
    });
  });

  it('ends at once on success or a permanent failure', () => {
    assert.deepEqual(nextStep({ outcome: 'succeeded', attempt: attempt(200) }, plan(['5s']), 1), {
      status: 'succeeded',
    });
    assert.deepEqual(
      nextStep({ outcome: 'permanent', attempt: attempt(undefined, 'private_address') }, plan(['5s']), 1),
      {
        status: 'failed',
        failureReason: 'Not retried: private_address: no answer',
      },
    );
  });

  it('with retryOn any-error, retries every 4xx like a 5xx, but not a target that is gone', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422, 451]) {
      const refused: AttemptResult = { outcome: 'permanent', attempt: attempt(status) };
      assert.equal(nextStep(refused, plan(['5s']), 1).status, 'failed', `${status} by default`);
      const step = nextStep(refused, plan(['5s'], 'any-error'), 1);
      assert.equal(step.status, 'retrying', String(status));
      assert.ok((step.delayMs as number) >= 4_000 && (step.delayMs as number) <= 6_000);
      assert.deepEqual(nextStep(refused, plan(['5s'], 'any-error'), 2), {
        status: 'failed',
        failureReason: `Gave up after 2 attempts; last: HTTP ${status}`,
      });
    }
    const gone: AttemptResult = {
      outcome: 'permanent',
      attempt: attempt(410),
      disableHook: 'The endpoint answered 410 Gone',
    };
    assert.deepEqual(nextStep(gone, plan(['5s'], 'any-error'), 1), {
      status: 'failed',
      failureReason: 'Not retried: HTTP 410',
    });
    // Not an HTTP error: a redirect, or a request Hookflow refused to make, still fails at once.
    for (const other of [attempt(301), attempt(undefined, 'private_address')]) {
      assert.equal(nextStep({ outcome: 'permanent', attempt: other }, plan(['5s'], 'any-error'), 1).status, 'failed');
    }
  });
});
