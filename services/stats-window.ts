import { DURATION_BUCKETS, FAILURE_KINDS, quantileOfBuckets, type FailureKind } from '../core/attempt-stats';
import { minuteKey, type AttemptCounts, type HookStats } from '../infra/models/hook-stats';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export const STATS_WINDOWS = ['1h', '24h', '7d'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

const WINDOW_MINUTES: Record<StatsWindow, number> = { '1h': 60, '24h': 24 * 60, '7d': 7 * 24 * 60 };

/**
 * A window in whole minutes, as the counters are kept: the current minute and
 * the ones before it (59 for `1h`). It starts inside `firstHour`, at its
 * minute `firstMinute`: that hour is read with its minutes, the later ones by
 * their totals.
 */
export interface Span {
  from: Date;
  to: Date;
  firstHour: Date;
  firstMinute: number;
}

export function spanOf(window: StatsWindow, now: number): Span {
  const from = now - (now % MINUTE_MS) - (WINDOW_MINUTES[window] - 1) * MINUTE_MS;
  const firstHour = from - (from % HOUR_MS);
  return {
    from: new Date(from),
    to: new Date(now),
    firstHour: new Date(firstHour),
    firstMinute: (from - firstHour) / MINUTE_MS,
  };
}

/** What a read of the span's hours gives: the hours' totals, and the first hour's minutes when the span starts inside it. */
export type HourRead = Pick<HookStats, 'hour' | 'counts' | 'lastSuccessAt' | 'lastFailure'> & {
  minutes?: HookStats['minutes'];
};

/** The counters of the span within these hours: the first hour's minutes from `firstMinute` on, every later hour whole. */
function countsWithin(span: Span, hours: readonly HourRead[]): AttemptCounts[] {
  return hours.flatMap((hour) => {
    if (hour.hour.getTime() !== span.firstHour.getTime() || span.firstMinute === 0)
      return hour.counts ? [hour.counts] : [];
    const first = minuteKey(span.firstMinute);
    // Keys are m00 to m59: they sort as the minutes they name.
    return Object.entries(hour.minutes ?? {}).flatMap(([key, counts]) => (key >= first ? [counts] : []));
  });
}

export interface Totals {
  attempts: number;
  successes: number;
  failures: number;
  failuresByKind: Record<FailureKind, number>;
  /** Per duration bucket (DURATION_BOUNDS_MS), for the percentiles. */
  durations: number[];
  lastSuccessAt?: Date;
  lastFailure?: { at: Date; reason: string };
}

/** The span's counters within these hours, added up; the last success and failure, when within the span. */
export function totalsWithin(span: Span, hours: readonly HourRead[]): Totals {
  const totals = emptyTotals();
  for (const counts of countsWithin(span, hours)) addCounts(totals, counts);
  for (const hour of hours) {
    // An hour's latest is before the span's start only if all of that hour's were.
    const success = hour.lastSuccessAt;
    if (success && success >= span.from && !(totals.lastSuccessAt && totals.lastSuccessAt >= success)) {
      totals.lastSuccessAt = success;
    }
    const failure = hour.lastFailure ? parseFailure(hour.lastFailure) : undefined;
    if (failure && failure.at >= span.from && !(totals.lastFailure && totals.lastFailure.at >= failure.at)) {
      totals.lastFailure = failure;
    }
  }
  return totals;
}

function emptyTotals(): Totals {
  return {
    attempts: 0,
    successes: 0,
    failures: 0,
    failuresByKind: Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as Record<FailureKind, number>,
    durations: Array.from({ length: DURATION_BUCKETS }, () => 0),
  };
}

function addCounts(totals: Totals, counts: AttemptCounts): void {
  totals.attempts += counts.attempts ?? 0;
  totals.successes += counts.successes ?? 0;
  for (const kind of FAILURE_KINDS) {
    const failed = counts.failures?.[kind] ?? 0;
    totals.failuresByKind[kind] += failed;
    totals.failures += failed;
  }
  totals.durations.forEach((_, bucket) => {
    totals.durations[bucket] = (totals.durations[bucket] ?? 0) + (counts.durations?.[`b${bucket}`] ?? 0);
  });
}

/** `<ISO time> <reason>` as the watcher keeps it (infra/models/hook-stats.ts). */
function parseFailure(kept: string): { at: Date; reason: string } {
  const space = kept.indexOf(' ');
  return { at: new Date(kept.slice(0, space)), reason: kept.slice(space + 1) };
}

/** Successes among attempts (null with none), and the duration percentiles (null with none). */
export function ratesOf(totals: Totals) {
  return {
    successRate: totals.attempts === 0 ? null : totals.successes / totals.attempts,
    durationMs: {
      p50: quantileOfBuckets(totals.durations, 0.5) ?? null,
      p95: quantileOfBuckets(totals.durations, 0.95) ?? null,
    },
  };
}
