import { z } from 'zod';
import { FAILURE_KINDS } from '../../core/attempt-stats';
import { idOf } from '../../core/ids';
import type { Models } from '../../infra/models';
import { hookStats, hookStatsQuery, ownerStats, ownerStatsQuery } from '../../services/hook-stats';
import { STATS_WINDOWS } from '../../services/stats-window';
import { defineRoute, type RouteDefinition } from '../route';
import { CURSOR_REFUSED } from './refusals';

const figures = {
  attempts: z.number().int(),
  successes: z.number().int(),
  failures: z.number().int(),
  failuresByKind: z.record(z.enum(FAILURE_KINDS), z.number().int()),
  successRate: z.number().nullable().describe('successes / attempts; null without attempts'),
  durationMs: z
    .object({ p50: z.number().nullable(), p95: z.number().nullable() })
    .describe(
      "Attempt-duration percentiles from fixed buckets (10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30 s), interpolated within the bucket that holds them: off by at most that bucket's width. Null without attempts",
    ),
};

const lasts = {
  lastSuccessAt: z.iso.datetime().nullable().describe('Within the window'),
  lastFailure: z
    .object({ at: z.iso.datetime(), reason: z.string().describe('`HTTP 500`, `timeout: ...`') })
    .nullable()
    .describe('Within the window'),
};

const span = {
  window: z.enum(STATS_WINDOWS),
  from: z.iso.datetime().describe("The start of the window's first minute"),
  to: z.iso.datetime(),
};

const hookStatsSchema = z.object({
  hookId: z.string(),
  ...span,
  ...figures,
  ...lasts,
  failureStreak: z.number().int().describe('Failed attempts in a row, now (a success resets it)'),
  failingSince: z.iso.datetime().nullable(),
  hours: z
    .array(
      z.object({
        hour: z.iso.datetime(),
        attempts: z.number().int(),
        successes: z.number().int(),
        failures: z.number().int(),
        p95Ms: z.number().nullable().describe('As `durationMs.p95`, over this hour'),
      }),
    )
    .describe('Each hour of the window that had attempts, oldest first (the first counted from `from`): for charts'),
});

const ownerStatsSchema = z.object({
  ownerId: z.string(),
  ...span,
  ...figures,
  hooks: z.object({
    data: z.array(
      z.object({
        hookId: z.string(),
        name: z.string(),
        status: z.enum(['enabled', 'disabled']),
        ...figures,
        ...lasts,
        failureStreak: z.number().int(),
      }),
    ),
    nextCursor: z.string().optional(),
  }),
});

export function statsRoutes(models: Models): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/hooks/:id/stats',
      operationId: 'hooks.stats',
      tag: 'Hooks',
      summary: "Read a hook's health over a window",
      description:
        'Counted from pre-aggregated counters (per hook and minute, rolled up per hour) as each attempt is recorded, not from the deliveries: every attempt counts, first ones and retries.',
      access: 'tenant',
      query: hookStatsQuery,
      success: { status: 200, description: "The hook's figures", schema: hookStatsSchema },
      handle: ({ params, query, caller }) => hookStats(models, caller, idOf('hook', params.id as string), query),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/stats',
      operationId: 'stats.get',
      tag: 'Hooks',
      summary: "Read an owner's health over a window, worst hooks first",
      description:
        "Totals over the owner's hooks, and a page of the hooks that made attempts in the window, lowest success rate first (then most failures). With the admin key, give `ownerId`.",
      access: 'tenant',
      query: ownerStatsQuery,
      success: { status: 200, description: "The owner's figures and a page of its hooks'", schema: ownerStatsSchema },
      errors: { 404: '`ownerId` names no owner', 422: `${CURSOR_REFUSED}; or no \`ownerId\` with the admin key` },
      handle: ({ query, caller }) => ownerStats(models, caller, query),
    }),
  ];
}
