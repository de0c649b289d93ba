import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectMongo, pingMongo } from '../../infra/mongo';
import { expressionIndexFields, installExpressionIndexes } from './ferretdb-indexes';
import { ensurePostgresDatabase, postgresUrl, startPostgres, withPostgres } from './postgres';
import { freePort } from './ports';
import { onPath, run, startProcess, waitUntil, type Managed } from './processes';
import { BIN_DIR, REPO_ROOT, VERSIONS } from './paths';

const FERRETDB_SOURCE = join(REPO_ROOT, 'scripts', 'ferretdb');
/** Named after its source too, so that a change to our main builds a new binary rather than reusing the old one. */
const FERRETDB_BINARY = join(
  BIN_DIR,
  `ferretdb-${VERSIONS.ferretdb}-${createHash('sha256')
    .update(readFileSync(join(FERRETDB_SOURCE, 'main.go')))
    .update(readFileSync(join(FERRETDB_SOURCE, 'go.sum')))
    .digest('hex')
    .slice(0, 8)}`,
);

/**
 * FerretDB is built from our own ten-line main (scripts/ferretdb), because the
 * module proxy refuses `go install .../cmd/ferretdb@v1.24.0`. Built once.
 */
async function ensureFerretDb(): Promise<string> {
  if (existsSync(FERRETDB_BINARY)) return FERRETDB_BINARY;
  console.log(`[devstack] building FerretDB ${VERSIONS.ferretdb} from the Go module proxy (about a minute, once)...`);
  await run('go', ['build', '-o', FERRETDB_BINARY, '.'], {
    cwd: FERRETDB_SOURCE,
    env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  return FERRETDB_BINARY;
}

/**
 * FerretDB's backend. PostgreSQL with expression indexes is the default: on
 * SQLite FerretDB 1.24 reads the whole collection for any query but an insert,
 * and at 100,000 deliveries a find by id cost 1.3 s of its CPU, an update by
 * id 6 s (measured with the probe `npm run bench -- scale` grew from; see the README).
 */
export type FerretDbStore = 'postgresql' | 'sqlite';

/**
 * PostgreSQL unless HOOKFLOW_DEV_STORE=sqlite (kept to measure what the
 * indexes save). An earlier run of the suite on
 * PostgreSQL seemed to hang where writers raced; what it was waiting on was a
 * delivery record FerretDB could not store (a U+0000 in a receiver's answer,
 * which jsonb refuses), retried without end. Records no longer hold one.
 */
function defaultStore(): FerretDbStore {
  return process.env.HOOKFLOW_DEV_STORE === 'sqlite' ? 'sqlite' : 'postgresql';
}

export interface MongoOptions {
  port: number;
  /** Directory for the data files; created if missing. */
  dataDir: string;
  name?: string;
  /** FerretDB's backend (default: see defaultStore); a `mongod` on PATH is used instead of either. */
  store?: FerretDbStore;
  /** With PostgreSQL, the GIN expression indexes (default on; off only to measure what they save). */
  expressionIndexes?: boolean;
}

/** The database server and the processes it runs on: FerretDB, and PostgreSQL behind it. */
export interface MongoServer {
  processes: Managed[];
  kind: string;
  /** FerretDB's PostgreSQL database, when it runs on one. */
  postgresUrl?: string;
  stop(): Promise<void>;
}

/** Finds or builds the server binary: a `mongod` on PATH if there is one, else FerretDB. */
export async function ensureMongoServer(): Promise<{ mongod?: string; ferretdb?: string }> {
  const mongod = await onPath('mongod');
  return mongod ? { mongod } : { ferretdb: await ensureFerretDb() };
}

/** FerretDB's database on PostgreSQL, with the expression indexes its queries need. */
async function startFerretDbPostgres(options: MongoOptions & { name: string }) {
  const postgresPort = await freePort();
  const postgres = await startPostgres({
    port: postgresPort,
    dataDir: join(options.dataDir, 'postgres'),
    name: `${options.name}-postgres`,
  });
  try {
    await ensurePostgresDatabase(postgresPort, 'ferretdb');
    const url = postgresUrl(postgresPort, 'ferretdb');
    if (options.expressionIndexes !== false) {
      await withPostgres(url, (client) => installExpressionIndexes(client, expressionIndexFields()));
    }
    return { postgres, url, postgresPort };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/** A `mongod` on PATH if there is one, else FerretDB on PostgreSQL (or SQLite, if asked); either on loopback. */
export async function startMongo(options: MongoOptions): Promise<MongoServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const { mongod, ferretdb } = await ensureMongoServer();
  const name = options.name ?? 'mongodb';
  const store = options.store ?? defaultStore();
  if (mongod) {
    const server = startProcess(name, mongod, [
      '--bind_ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--dbpath',
      options.dataDir,
    ]);
    await waitForMongo('mongod', options.port, server);
    return { processes: [server], kind: 'mongod', stop: () => server.stop() };
  }
  const listen = ['-listen', `127.0.0.1:${options.port}`];
  if (store === 'sqlite') {
    const server = startProcess(name, ferretdb as string, [...listen, '-data', options.dataDir.replace(/\/?$/, '/')]);
    await waitForMongo('FerretDB', options.port, server);
    return { processes: [server], kind: `FerretDB ${VERSIONS.ferretdb} (SQLite)`, stop: () => server.stop() };
  }
  if (readdirSync(options.dataDir).some((file) => file.endsWith('.sqlite'))) {
    console.log(
      `[devstack] ${options.dataDir} holds FerretDB's earlier SQLite data, which the PostgreSQL store does not read`,
    );
  }
  const { postgres, url, postgresPort } = await startFerretDbPostgres({ ...options, name });
  const server = startProcess(name, ferretdb as string, [...listen, '-postgresql-url', url]);
  const stop = async () => {
    await server.stop();
    await postgres.stop();
  };
  try {
    await waitForMongo('FerretDB', options.port, server);
  } catch (error) {
    await stop();
    throw error;
  }
  const version = readFileSync(join(options.dataDir, 'postgres', 'PG_VERSION'), 'utf8').trim();
  const kind = `FerretDB ${VERSIONS.ferretdb} on PostgreSQL ${version} at 127.0.0.1:${postgresPort}`;
  return { processes: [server, postgres], kind, postgresUrl: url, stop };
}

async function waitForMongo(what: string, port: number, server: Managed): Promise<void> {
  await waitUntil(
    what,
    async () => {
      const connection = await connectMongo(`mongodb://127.0.0.1:${port}/admin`);
      try {
        await pingMongo(connection);
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 60_000, process: server },
  );
}
