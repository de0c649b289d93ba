import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hourChanges } from '../activities/hook-stats';
import type { RecordedStep } from '../activities/attempt-watchers';
import {
  DURATION_BOUNDS_MS,
  DURATION_BUCKETS,
  durationBucketOf,
  failureKindOf,
  quantileOfBuckets,
} from '../core/attempt-stats';
import { idOf } from '../core/ids';
import type { AttemptCounts } from '../infra/models/hook-stats';
import { spanOf, totalsWithin } from '../services/stats-window';
import type { Outcome } from '../targets/contract';

/** Counts per bucket from durations, as the watcher keeps them. */
function bucketsOf(durations: readonly number[]): number[] {
  const counts = Array.from({ length: DURATION_BUCKETS }, () => 0);
  for (const ms of durations) counts[durationBucketOf(ms)]! += 1;
  return counts;
}

/** The exact q-quantile of a list, nearest rank: what the buckets estimate. */
function exactQuantile(durations: readonly number[], q: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** The bucket a value falls in, as [lower, upper]. */
function bucketBounds(ms: number): [number, number] {
  const index = durationBucketOf(ms);
  return [index === 0 ? 0 : DURATION_BOUNDS_MS[index - 1]!, DURATION_BOUNDS_MS[index] ?? Infinity];
}

describe('percentiles from duration buckets', () => {
  it('puts a duration in the first bucket whose bound it does not exceed', () => {
    assert.equal(durationBucketOf(0), 0);
    assert.equal(durationBucketOf(10), 0);
    assert.equal(durationBucketOf(11), 1);
    assert.equal(durationBucketOf(250), 4);
    assert.equal(durationBucketOf(30_000), DURATION_BOUNDS_MS.length - 1);
    assert.equal(durationBucketOf(30_001), DURATION_BOUNDS_MS.length);
  });

  it('answers nothing without durations', () => {
    assert.equal(quantileOfBuckets(bucketsOf([]), 0.5), undefined);
  });

  it('interpolates within the bucket that holds the rank', () => {
    // 100 durations in (100, 250]: the median is halfway through that bucket, the 95th near its end.
    const counts = bucketsOf(Array.from({ length: 100 }, () => 180));
    assert.equal(quantileOfBuckets(counts, 0.5), 175);
    assert.equal(quantileOfBuckets(counts, 0.95), 243);
    // 90 fast ones and 10 slow: the median among the fast, the 95th among the slow.
    const mixed = bucketsOf([...Array.from({ length: 90 }, () => 20), ...Array.from({ length: 10 }, () => 4_000)]);
    assert.equal(quantileOfBuckets(mixed, 0.5), 10 + Math.round((15 * 50) / 90));
    assert.equal(quantileOfBuckets(mixed, 0.95), 2_500 + 1_250);
  });

  it('gives the last bound for what is slower than it', () => {
    assert.equal(quantileOfBuckets(bucketsOf([45_000, 60_000]), 0.5), 30_000);
  });

  it('lands in the same bucket as the exact percentile, whatever the durations', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) ** 3 * 20_000;
    for (let round = 0; round < 50; round++) {
      const durations = Array.from({ length: 1 + (round % 17) * 13 }, () => Math.round(random()));
      for (const q of [0.5, 0.95]) {
        const [lower, upper] = bucketBounds(exactQuantile(durations, q));
        const estimate = quantileOfBuckets(bucketsOf(durations), q)!;
        assert.ok(estimate >= lower && estimate <= upper, `${q} of ${durations.join(',')}: ${estimate}`);
      }
    }
  });
});

describe('failure kinds', () => {
  it('sorts answers by status class and the rest by the error kind senders record', () => {
    assert.equal(failureKindOf({ statusCode: 400 }), 'http_4xx');
    assert.equal(failureKindOf({ statusCode: 410 }), 'http_4xx');
    assert.equal(failureKindOf({ statusCode: 503 }), 'http_5xx');
    assert.equal(failureKindOf({ statusCode: 302 }), 'http_other');
    assert.equal(failureKindOf({ errorKind: 'timeout' }), 'timeout');
    assert.equal(failureKindOf({ errorKind: 'connection' }), 'network');
    assert.equal(failureKindOf({ errorKind: 'dns' }), 'network');
    assert.equal(failureKindOf({ errorKind: 'private_address' }), 'network');
    assert.equal(failureKindOf({ errorKind: 'render' }), 'render');
    assert.equal(failureKindOf({ errorKind: 'secret_unreadable' }), 'config');
    assert.equal(failureKindOf({ errorKind: 'auth' }), 'config');
    assert.equal(failureKindOf({ errorKind: 'smtp' }), 'other');
  });
});

const HOOK = idOf('hook', 'hk_math');
const OWNER = idOf('owner', 'own_math');

function sentStep(recordedAt: number, outcome: Outcome, statusCode: number, durationMs: number): RecordedStep {
  return {
    deliveryId: idOf('delivery', `dlv_${recordedAt}`),
    eventId: idOf('event', `evt_${recordedAt}`),
    hookId: HOOK,
    ownerId: OWNER,
    eventType: 'thing.done',
    targetType: 'http',
    step: { status: outcome === 'succeeded' ? 'succeeded' : 'failed' },
    result: { outcome, attempt: { startedAt: new Date(recordedAt), durationMs, statusCode } },
    attemptsMade: 1,
    recordedAt,
  };
}

/** What the watcher's `$inc` paths build in a document, as the store would. */
function applied(inc: Record<string, number>): { counts: AttemptCounts; minutes: Record<string, AttemptCounts> } {
  const doc: Record<string, unknown> = {};
  for (const [path, by] of Object.entries(inc)) {
    const keys = path.split('.');
    let at = doc;
    for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    const last = keys.at(-1)!;
    at[last] = ((at[last] as number | undefined) ?? 0) + by;
  }
  return doc as { counts: AttemptCounts; minutes: Record<string, AttemptCounts> };
}

describe('a window over hour documents', () => {
  it('counts the first hour from the window’s first minute, later hours whole, and the latest failure in it', () => {
    const now = Date.parse('2026-12-03T11:20:30Z');
    const span = spanOf('1h', now);
    assert.equal(span.from.toISOString(), '2026-12-03T10:21:00.000Z');
    assert.equal(span.firstMinute, 21);
    const steps = [
      sentStep(Date.parse('2026-12-03T10:05:00Z'), 'permanent', 400, 30), // before the window
      sentStep(Date.parse('2026-12-03T10:21:00Z'), 'retryable', 500, 30), // its first minute
      sentStep(Date.parse('2026-12-03T10:59:59Z'), 'succeeded', 200, 120),
      sentStep(Date.parse('2026-12-03T11:20:00Z'), 'succeeded', 200, 120),
    ];
    const hours = hourChanges(steps).map((change) => ({
      hour: change.hour,
      ...applied(change.inc),
      lastSuccessAt: change.lastSuccessAt,
      lastFailure: change.lastFailure,
    }));
    assert.equal(hours.length, 2);
    const totals = totalsWithin(span, hours);
    assert.equal(totals.attempts, 3);
    assert.equal(totals.successes, 2);
    assert.equal(totals.failures, 1);
    assert.equal(totals.failuresByKind.http_5xx, 1);
    assert.equal(totals.failuresByKind.http_4xx, 0);
    assert.deepEqual(totals.lastFailure, { at: new Date('2026-12-03T10:21:00Z'), reason: 'HTTP 500' });
    assert.equal(totals.lastSuccessAt?.toISOString(), '2026-12-03T11:20:00.000Z');
    // A window that starts after the hour's last failure shows none.
    const later = totalsWithin(spanOf('1h', Date.parse('2026-12-03T11:21:30Z')), hours);
    assert.equal(later.attempts, 2);
    assert.equal(later.lastFailure, undefined);
  });
});
