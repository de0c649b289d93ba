import { z } from 'zod';
import { ownerIdFor, type Caller } from '../core/caller';
import { UnprocessableError } from '../core/errors';
import type { HookId, OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import { hookStatsId } from '../infra/models/hook-stats';
import { findHook } from './hooks';
import { pageCursor } from './pagination';
import { assertOwnerExists } from './owners';
import { ratesOf, spanOf, STATS_WINDOWS, totalsWithin, type HourRead, type Span, type Totals } from './stats-window';

const window = z
  .enum(STATS_WINDOWS)
  .default('24h')
  .describe('The last hour, day or week, in whole minutes up to now (the current minute included)');

export const hookStatsQuery = z.object({ window });

export const ownerStatsQuery = z.object({
  window,
  ownerId: z.string().brand<'owner'>().optional().describe('Required with the admin key'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: pageCursor,
});

/** The figures every view shares, as the API answers them. */
function figuresOf(totals: Totals) {
  return {
    attempts: totals.attempts,
    successes: totals.successes,
    failures: totals.failures,
    failuresByKind: totals.failuresByKind,
    ...ratesOf(totals),
  };
}

function lastsOf(totals: Totals) {
  return { lastSuccessAt: totals.lastSuccessAt ?? null, lastFailure: totals.lastFailure ?? null };
}

function spanView(window: string, span: Span) {
  return { window, from: span.from, to: span.to };
}

/**
 * One hook's health over a window: its hour documents from the window's
 * first hour on (at most 169 for 7d; served by {hookId, hour}), that first
 * hour read again with its minutes when the window starts inside it (by `_id`).
 */
export async function hookStats(models: Models, caller: Caller, id: HookId, query: z.infer<typeof hookStatsQuery>) {
  const hook = await findHook(models, caller, id);
  const span = spanOf(query.window, Date.now());
  const [hours, first] = await Promise.all([
    models.HookStats.find({ hookId: hook._id, hour: { $gte: span.firstHour } }, { minutes: 0 }).lean(),
    span.firstMinute === 0
      ? null
      : models.HookStats.findById(hookStatsId(hook._id, span.firstHour), { hour: 1, minutes: 1 }).lean(),
  ]);
  const read = withMinutesOf(hours, first);
  const totals = totalsWithin(span, read);
  return {
    hookId: hook._id,
    ...spanView(query.window, span),
    ...figuresOf(totals),
    ...lastsOf(totals),
    failureStreak: hook.failureCount,
    failingSince: hook.failingSince ?? null,
    hours: hourlyFigures(span, read),
  };
}

/** Each hour of the span that had attempts, oldest first, for charts: the first hour counted from the span's start. */
function hourlyFigures(span: Span, hours: readonly HourRead[]) {
  return [...hours]
    .sort((a, b) => a.hour.getTime() - b.hour.getTime())
    .map((hour) => ({ hour: hour.hour, totals: totalsWithin(span, [hour]) }))
    .filter(({ totals }) => totals.attempts > 0)
    .map(({ hour, totals }) => ({
      hour,
      attempts: totals.attempts,
      successes: totals.successes,
      failures: totals.failures,
      p95Ms: ratesOf(totals).durationMs.p95,
    }));
}

/** The hours, the first hour with its minutes (read apart: the others are read without theirs). */
function withMinutesOf(hours: readonly HourRead[], first: Pick<HourRead, 'hour' | 'minutes'> | null | undefined) {
  if (!first) return hours;
  return hours.map((hour) =>
    hour.hour.getTime() === first.hour.getTime() ? { ...hour, minutes: first.minutes } : hour,
  );
}

/** Worst first: the lowest success rate, then the most failures, then by id (a total order, for the cursor). */
type RowKey = [rate: number, failures: number, hookId: string];

function keyOf(hookId: string, totals: Totals): RowKey {
  return [totals.successes / totals.attempts, totals.failures, hookId];
}

function compareKeys(a: RowKey, b: RowKey): number {
  return a[0] - b[0] || b[1] - a[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

function encodeCursor(key: RowKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): RowKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 3 &&
      typeof key[0] === 'number' &&
      typeof key[1] === 'number' &&
      typeof key[2] === 'string'
    ) {
      return key as RowKey;
    }
  } catch {
    // Reported below.
  }
  throw new UnprocessableError('cursor: not a cursor this API returned');
}

/**
 * An owner's health over a window: totals over its hooks, and a page of
 * per-hook rows, worst first, for the hooks that made attempts in the window.
 * Reads the owner's hour documents in the window ({ownerId, hour}): its
 * hooks with traffic times the hours (at most 169 each), without their
 * minutes but for the first hour's. Stats of hooks deleted since are left out.
 * The order is the counters' at the time of the request: a hook whose figures
 * change between two pages may move past the cursor, or back before it.
 */
export async function ownerStats(models: Models, caller: Caller, query: z.infer<typeof ownerStatsQuery>) {
  const ownerId: OwnerId = ownerIdFor(caller, query.ownerId);
  if (caller.kind === 'admin') await assertOwnerExists(models, ownerId);
  const span = spanOf(query.window, Date.now());
  const [hours, firsts, hooks] = await Promise.all([
    models.HookStats.find({ ownerId, hour: { $gte: span.firstHour } }, { minutes: 0 }).lean(),
    span.firstMinute === 0
      ? []
      : models.HookStats.find({ ownerId, hour: span.firstHour }, { hookId: 1, hour: 1, minutes: 1 }).lean(),
    models.Hook.find({ ownerId }, { name: 1, status: 1, failureCount: 1 }).lean(),
  ]);
  const hookById = new Map(hooks.map((hook) => [hook._id, hook]));
  const firstOf = new Map(firsts.map((first) => [first.hookId, first]));
  const hoursOf = new Map<HookId, HourRead[]>();
  for (const hour of hours) {
    if (hookById.has(hour.hookId)) hoursOf.set(hour.hookId, [...(hoursOf.get(hour.hookId) ?? []), hour]);
  }
  const withMinutes = [...hoursOf].map(([hookId, ofHook]) => ({
    hookId,
    hours: withMinutesOf(ofHook, firstOf.get(hookId)),
  }));
  const perHook = withMinutes.map(({ hookId, hours: ofHook }) => ({ hookId, totals: totalsWithin(span, ofHook) }));
  const all = totalsWithin(
    span,
    withMinutes.flatMap(({ hours: ofHook }) => ofHook),
  );
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const ranked = perHook
    .filter(({ totals }) => totals.attempts > 0)
    .map((row) => ({ ...row, key: keyOf(row.hookId, row.totals) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .filter((row) => !after || compareKeys(row.key, after) > 0);
  const page = ranked.slice(0, query.limit);
  const last = page.at(-1);
  return {
    ownerId,
    ...spanView(query.window, span),
    ...figuresOf(all),
    hooks: {
      data: page.map(({ hookId, totals }) => {
        const hook = hookById.get(hookId);
        return {
          hookId,
          name: hook?.name ?? '',
          status: hook?.status === 'enabled' ? 'enabled' : 'disabled',
          ...figuresOf(totals),
          ...lastsOf(totals),
          failureStreak: hook?.failureCount ?? 0,
        };
      }),
      nextCursor: ranked.length > query.limit && last ? encodeCursor(last.key) : undefined,
    },
  };
}
