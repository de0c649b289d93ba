import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../infra/config';
import { createModels } from '../../infra/models';
import { connectMongo, syncIndexes } from '../../infra/mongo';
import type { BenchContext } from '../context';
import { startCpuReading } from '../cpu';
import { hotQueries, type HotQuery } from '../hot-queries';
import { withPostgres } from '../../scripts/devstack/postgres';
import { loadProbeTenant, preloadOthers, type PreloadVolume } from '../preload';
import { round } from '../stats';

/** A query runs at most this many times: CPU time is read in 10 ms ticks, so a cheap query needs many calls. */
const MAX_CALLS = 50;
/** A first call slower than this is a scan: its one call says enough (a scan at a million rows takes minutes). */
const ONE_CALL_IS_ENOUGH_MS = 2_000;
/**
 * Costs below this count as this much in the ratio: a 0.2 ms query at 50 calls
 * is one tick, and a ratio of two such readings says nothing.
 */
export const RATIO_FLOOR_MS = 1;
/** The store is quiet when its processes use less than this share of a core (autovacuum after a preload runs for minutes). */
const QUIET_SHARE = 0.05;

export interface ScaleOptions {
  volume: PreloadVolume;
  /** How long each query is called for, at most MAX_CALLS times (3 s in a real run). */
  measureForMs: number;
}

async function measure(query: HotQuery, database: readonly number[], measureForMs: number) {
  await query.prepare?.();
  const cpu = startCpuReading({ database });
  const started = performance.now();
  await query.run();
  const firstMs = performance.now() - started;
  if (firstMs > ONE_CALL_IS_ENOUGH_MS) {
    return { calls: 1, cpuMsPerCall: cpu.since().database ?? 0, wallMsPerCall: round(firstMs) };
  }
  // The first call warmed up the code and the caches; the measured ones follow.
  const measured = startCpuReading({ database });
  const from = performance.now();
  let calls = 0;
  while (calls < MAX_CALLS && performance.now() - from < measureForMs) {
    await query.run();
    calls++;
  }
  const wallMs = performance.now() - from;
  return {
    calls,
    cpuMsPerCall: round((measured.since().database ?? 0) / calls, 2),
    wallMsPerCall: round(wallMs / calls, 2),
  };
}

/**
 * Waits (up to 10 minutes) until the database processes are nearly idle: a
 * preload leaves the store vacuuming and analyzing. It does not wait for a
 * vacuum that has not started. (Before the dev stack turned GIN's pending
 * list off, a delivery by id cost 12.2 ms of server CPU right after 300,000
 * inserts, 1.2 ms after VACUUM: the figures of a store just after a burst.)
 */
async function waitForQuietStore(database: readonly number[], log: (line: string) => void) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const cpu = startCpuReading({ database });
    await sleep(2_000);
    const share = (cpu.since().database ?? 0) / 2_000;
    if (share < QUIET_SHARE || Date.now() > deadline) return round(share, 2);
    log(`scale: the store is still busy (${Math.round(share * 100)} % of a core), waiting`);
  }
}

/**
 * A store that took days to reach the preloaded size would have been
 * vacuumed and analyzed along the way; one filled in minutes has that
 * autovacuum still ahead, which may run during the scenarios after this one
 * (in run c0a92895 the 10,000-hook fan-out's database CPU was 1.21 ms per
 * delivery against 0.99 in the run before, with nothing changed on its path).
 * So the preloaded store is vacuumed before it is measured. PostgreSQL only:
 * MongoDB has no such debt.
 */
async function vacuumAfterPreload(context: BenchContext): Promise<void> {
  if (!context.storePostgresUrl) return;
  const started = performance.now();
  await withPostgres(context.storePostgresUrl, (client) => client.query('VACUUM (ANALYZE)'));
  context.log(
    `scale: vacuumed and analyzed the preloaded store in ${round((performance.now() - started) / 1000, 0)} s`,
  );
}

function ratio(preloaded: number, empty: number): number {
  return round(Math.max(preloaded, RATIO_FLOOR_MS) / Math.max(empty, RATIO_FLOOR_MS), 2);
}

/**
 * Each hot query (bench/hot-queries.ts) for one small tenant, on a store that
 * holds only that tenant, then again after other owners' records
 * (bench/preload.ts) were added: what the query costs the database server
 * (CPU time of its processes, not wall time alone: the machine is shared) as
 * the store grows. Issue 13 wants each within 2x of its empty-store cost.
 */
export async function runScale(context: BenchContext, { volume, measureForMs }: ScaleOptions) {
  if (context.serverGroups.database.length === 0) {
    throw new Error('scale: measures the database server CPU, so it needs the stack the benchmark starts');
  }
  const { database } = context.serverGroups;
  const url = new URL(context.stackEnv.MONGODB_URI as string);
  url.pathname = `/hookflow_bench_scale_${randomBytes(4).toString('hex')}`;
  const connection = await connectMongo(url.toString());
  // Once measured, the preloaded store is handed on (storeUrl) for the scenarios that follow, which issue 13 wants
  // measured beside that volume too; the caller drops it.
  let kept = false;
  try {
    const models = createModels(connection);
    await syncIndexes(connection);
    const { deliveryDefaults } = loadConfig(context.stackEnv);
    const measureAll = async (label: string) => {
      const probe = await loadProbeTenant(models);
      await waitForQuietStore(database, (line) => context.log(line));
      const costs: Record<string, Awaited<ReturnType<typeof measure>>> = {};
      for (const query of hotQueries(models, probe, deliveryDefaults)) {
        costs[query.name] = await measure(query, database, measureForMs);
        context.log(
          `scale ${label}: ${query.name}: ${costs[query.name]?.cpuMsPerCall} ms server CPU, ${costs[query.name]?.wallMsPerCall} ms a call`,
        );
      }
      return costs;
    };

    context.log('scale: the hot queries on a store holding only the measured tenant...');
    const empty = await measureAll('empty');
    context.log(
      `scale: preloading ${volume.deliveries.toLocaleString('en')} deliveries, ${volume.events.toLocaleString('en')} events, ${volume.hooks.toLocaleString('en')} hooks...`,
    );
    const preloadCpu = startCpuReading({ database });
    const preloadStarted = performance.now();
    const written = await preloadOthers(models, volume);
    const preload = {
      ...written,
      seconds: round((performance.now() - preloadStarted) / 1000, 0),
      databaseCpuSeconds: round((preloadCpu.since().database ?? 0) / 1000, 0),
    };
    context.log(`scale: preloaded in ${preload.seconds} s (${preload.databaseCpuSeconds} s of database CPU)`);
    await vacuumAfterPreload(context);
    const preloaded = await measureAll('preloaded');

    kept = true;
    return {
      storeUrl: url.toString(),
      volume,
      preload,
      queries: Object.entries(empty).map(([name, before]) => {
        const after = preloaded[name] as typeof before;
        return {
          name,
          empty: before,
          preloaded: after,
          cpuRatio: ratio(after.cpuMsPerCall, before.cpuMsPerCall),
          wallRatio: ratio(after.wallMsPerCall, before.wallMsPerCall),
        };
      }),
    };
  } finally {
    if (!kept) await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}
