import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { mapWithConcurrency } from '../core/concurrency';

/** Commands that read or write data; the driver's own hello/ping and our serverStatus calls are not work. */
const DATA_COMMANDS = [
  'find',
  'getMore',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'aggregate',
  'count',
  'distinct',
] as const;

export type CommandCounts = Record<(typeof DATA_COMMANDS)[number], number>;

/**
 * The server's own count of the data commands it has served (serverStatus
 * metrics.commands, which both MongoDB and FerretDB keep), from every client:
 * the difference of two readings is what a scenario cost the database.
 */
export async function readCommandCounts(mongo: Connection): Promise<CommandCounts> {
  const status = (await mongo.db!.admin().command({ serverStatus: 1 })) as {
    metrics?: { commands?: Record<string, { total?: number | { low: number } }> };
  };
  const commands = status.metrics?.commands ?? {};
  return Object.fromEntries(
    DATA_COMMANDS.map((name) => {
      const total = commands[name]?.total ?? 0;
      return [name, typeof total === 'number' ? total : Number(total.low)];
    }),
  ) as CommandCounts;
}

export function commandsBetween(before: CommandCounts, after: CommandCounts) {
  const byCommand = Object.fromEntries(
    DATA_COMMANDS.map((name) => [name, after[name] - before[name]]).filter(([, count]) => count !== 0),
  ) as Partial<CommandCounts>;
  const total = Object.values(byCommand).reduce((sum, count) => sum + (count ?? 0), 0);
  return { total, byCommand };
}

type WorkflowRun = { workflowId: string; runId: string };

/** Every workflow run that carries the owner's search attribute (event fan-outs, their continued runs, retries), once all have closed. */
export async function closedRunsOfOwner(
  temporal: Client,
  ownerId: string,
  timeoutMs = 120_000,
): Promise<WorkflowRun[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = [];
    for await (const run of temporal.workflow.list({ query: `OwnerId = "${ownerId}"` })) runs.push(run);
    const open = runs.filter((run) => run.status.name === 'RUNNING').length;
    if (open === 0) return runs;
    if (Date.now() > deadline) throw new Error(`${open} workflows of ${ownerId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The history events Temporal stored for the runs, read back from the server. */
export async function historyEventsOf(temporal: Client, runs: readonly WorkflowRun[]) {
  const sizes = await mapWithConcurrency(runs, 8, async (run) => {
    const history = await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    return history.events?.length ?? 0;
  });
  return {
    runs: runs.length,
    events: sizes.reduce((sum, size) => sum + size, 0),
    largestHistory: Math.max(0, ...sizes),
  };
}
