import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { ConfigEnv } from '../infra/config';
import type { Stack } from '../scripts/devstack/stack';
import { startBenchApp, type BenchApp } from './app';
import { startCpuReading } from './cpu';
import { closedRunsOfOwner, commandsBetween, historyEventsOf, readCommandCounts } from './measure';
import type { Receivers } from './receivers';

/** What every scenario runs against. */
export interface BenchContext {
  stackEnv: ConfigEnv;
  temporal: Client;
  /** A connection to the stack's database server, for its command counters. */
  mongo: Connection;
  receivers: Receivers;
  /** The database and Temporal server process groups, when the benchmark started them (for their CPU time). */
  serverGroups: { database: number[]; temporal?: number };
  /** FerretDB's PostgreSQL database, when the benchmark started the store on one. */
  storePostgresUrl?: string;
  /** Set with --profile: where the worker and the API write CPU profiles. */
  profileDir?: string;
  /** Set once the scale scenario has preloaded a store: the scenarios after it run on it instead of an empty one. */
  preloadedStoreUrl?: string;
  log(line: string): void;
}

/** What a started stack gives every scenario: how to reach it, with the workers' prebuilt bundle, and its servers' process groups. */
export function stackContext(
  stack: Stack,
  workflowBundle: string,
): Pick<BenchContext, 'stackEnv' | 'serverGroups' | 'storePostgresUrl'> {
  return {
    stackEnv: { ...stack.env, HOOKFLOW_WORKFLOW_BUNDLE: workflowBundle },
    storePostgresUrl: stack.postgresUrl,
    serverGroups: {
      database: stack.processes.database.map((server) => server.child.pid as number),
      temporal: stack.processes.temporal?.child.pid,
    },
  };
}

export function startScenarioApp(context: BenchContext, name: string): Promise<BenchApp> {
  return startBenchApp({
    stackEnv: context.stackEnv,
    temporal: context.temporal,
    name,
    profileDir: context.profileDir,
    storeUrl: context.preloadedStoreUrl,
  });
}

/**
 * Starts measuring what the work from now on costs. The returned function
 * waits until the owner's workflows have all closed, then answers the
 * machine-independent cost of its `deliveries` successful deliveries: the
 * database commands served, the Temporal history events of the owner's
 * workflows (read back from the histories), and the CPU time each process
 * used, per delivery.
 */
export async function startCosting(context: BenchContext, app: BenchApp) {
  const commandsBefore = await readCommandCounts(context.mongo);
  const cpu = startCpuReading({ ...context.serverGroups, ...app.processGroups });
  return async function costPerDelivery(ownerId: string, deliveries: number) {
    const runs = await closedRunsOfOwner(context.temporal, ownerId);
    const cpuMs = cpu.since();
    const commands = commandsBetween(commandsBefore, await readCommandCounts(context.mongo));
    const history = await historyEventsOf(context.temporal, runs);
    return {
      historyEventsPerDelivery: history.events / deliveries,
      workflowRuns: history.runs,
      largestHistory: history.largestHistory,
      mongoCommandsPerDelivery: commands.total / deliveries,
      mongoCommands: commands.byCommand,
      cpuMsPerDelivery: Object.fromEntries(
        Object.entries(cpuMs).map(([name, ms]) => [name, Math.round((ms / deliveries) * 1000) / 1000]),
      ),
    };
  };
}
