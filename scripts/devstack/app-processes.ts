import { join } from 'node:path';
import { childEnv, type ConfigEnv } from '../../domain/config';
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
