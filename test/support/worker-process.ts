import type { Config, ConfigEnv } from '../../infra/config';
import { startWorkerEntryPoint } from '../../scripts/devstack/app-processes';
import type { Managed } from '../../scripts/devstack/processes';

/**
 * `worker.ts` in a process of its own, on a test Hookflow's database and task
 * queue (and its address guard setting), so that a test can kill it the way a
 * crash or an OOM killer would. `nodeArgs` go to Node itself; `env` sets
 * more of its configuration.
 */
export async function startWorkerProcess(
  config: Config,
  name: string,
  options: { nodeArgs?: string[]; env?: ConfigEnv } = {},
): Promise<Managed> {
  const worker = startWorkerEntryPoint(
    name,
    {
      MONGODB_URI: config.mongodbUri,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      HOOKFLOW_ALLOW_PRIVATE_TARGETS: config.allowPrivateTargets ? '1' : '0',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    { nodeArgs: options.nodeArgs },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!output.includes('"msg":"worker started"')) return;
      worker.child.stdout?.off('data', onData);
      worker.child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`${name} exited (${code}) before it started`));
    worker.child.stdout?.on('data', onData);
    worker.child.once('exit', onExit);
  });
  return worker;
}
