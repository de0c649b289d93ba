import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { ConfigEnv } from '../domain/config';
import { startBenchApp, type BenchApp } from './app';
import { historyEventsOfOwner, commandsBetween, readCommandCounts } from './measure';
import type { Receivers } from './receivers';

/** What every scenario runs against. */
export interface BenchContext {
  stackEnv: ConfigEnv;
  temporal: Client;
  /** A connection to the stack's database server, for its command counters. */
  mongo: Connection;
  receivers: Receivers;
  /** Set with --profile: where the worker and the API write CPU profiles. */
  profileDir?: string;
  log(line: string): void;
}

export function startScenarioApp(context: BenchContext, name: string): Promise<BenchApp> {
  return startBenchApp({
    stackEnv: context.stackEnv,
    temporal: context.temporal,
    name,
    profileDir: context.profileDir,
  });
}

/** Starts counting database commands; the returned function reads how many were served since. */
export async function countCommands(context: BenchContext) {
  const before = await readCommandCounts(context.mongo);
  return async () => commandsBetween(before, await readCommandCounts(context.mongo));
}

/**
 * The machine-independent cost of `deliveries` successful deliveries, once
 * the owner's workflows have all closed: the database commands served since
 * `commandsSince` started counting, and the Temporal history events of the
 * owner's workflows (read back from the histories).
 */
export async function costPerDelivery(
  context: BenchContext,
  ownerId: string,
  deliveries: number,
  commandsSince: Awaited<ReturnType<typeof countCommands>>,
) {
  const history = await historyEventsOfOwner(context.temporal, ownerId);
  const commands = await commandsSince();
  return {
    historyEventsPerDelivery: history.events / deliveries,
    workflowRuns: history.runs,
    largestHistory: history.largestHistory,
    mongoCommandsPerDelivery: commands.total / deliveries,
    mongoCommands: commands.byCommand,
  };
}
