import { join } from 'node:path';
import { childEnv, type ConfigEnv } from '../../infra/config';
import { REPO_ROOT } from './paths';
import { startProcess, waitUntil, type Managed } from './processes';

/**
 * Runs one of our TypeScript entry points (worker.ts, api/main.ts) as a child
 * process; `nodeArgs` go to Node itself (the benchmark's `--cpu-prof`, say).
 */
export function startEntryPoint(
  name: string,
  entry: string,
  env: ConfigEnv,
  options: { echo?: boolean; nodeArgs?: string[] } = {},
): Managed {
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx', join(REPO_ROOT, entry)];
  return startProcess(name, process.execPath, args, {
    cwd: REPO_ROOT,
    env: childEnv(env),
    echo: options.echo,
  });
}

/**
 * The worker's V8 heap limit. Unbounded, Node sizes the heap from the
 * machine's memory (4 GB here), and a big fan-out's garbage piles up between
 * collections: a 100,000-hook fan-out peaked at 667 MB RSS; with 384 MB of
 * old space at 389 MB, as fast (`npm run bench -- fanout --hooks 100000`).
 */
export const WORKER_NODE_ARGS = ['--max-old-space-size=384'];

/** worker.ts as a child process, with the worker's heap limit. */
export function startWorkerEntryPoint(
  name: string,
  env: ConfigEnv,
  options: { echo?: boolean; nodeArgs?: string[] } = {},
): Managed {
  return startEntryPoint(name, 'worker.ts', env, {
    ...options,
    nodeArgs: [...WORKER_NODE_ARGS, ...(options.nodeArgs ?? [])],
  });
}

/**
 * The worker as the dev stack runs it: one process for the main task queue
 * and one for the bulk queue (HOOKFLOW_WORKER_QUEUES), named `<name>` and
 * `<name>-bulk`; `nodeArgs` may depend on which. Each serves its metrics on
 * its port of `metricsPorts`, or none (even when our own environment names
 * a port: two processes cannot share it).
 */
export function startWorkerProcesses(
  name: string,
  env: ConfigEnv,
  options: {
    echo?: boolean;
    nodeArgs?: (queues: 'main' | 'bulk') => string[];
    metricsPorts?: Record<'main' | 'bulk', number>;
  } = {},
): { main: Managed; bulk: Managed } {
  const start = (queues: 'main' | 'bulk', processName: string) =>
    startWorkerEntryPoint(
      processName,
      {
        ...env,
        HOOKFLOW_WORKER_QUEUES: queues,
        HOOKFLOW_WORKER_METRICS_PORT: String(options.metricsPorts?.[queues] ?? 0),
      },
      {
        echo: options.echo,
        nodeArgs: options.nodeArgs?.(queues),
      },
    );
  return { main: start('main', name), bulk: start('bulk', `${name}-bulk`) };
}

export async function waitForReadyApi(url: string, api: Managed): Promise<void> {
  await waitUntil(
    'Hookflow API',
    async () => {
      const response = await fetch(`${url}/readyz`);
      if (response.status !== 200) throw new Error(`readyz answered ${response.status}`);
    },
    { timeoutMs: 60_000, process: api },
  );
}
