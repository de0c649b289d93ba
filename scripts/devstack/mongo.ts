import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectMongo, pingMongo } from '../../domain/mongo';
import { onPath, run, startProcess, waitUntil, type Managed } from './processes';
import { BIN_DIR, REPO_ROOT, VERSIONS } from './paths';

const FERRETDB_BINARY = join(BIN_DIR, `ferretdb-${VERSIONS.ferretdb}`);

/**
 * FerretDB is built from our own ten-line main (scripts/ferretdb), because the
 * module proxy refuses `go install .../cmd/ferretdb@v1.24.0`. Built once.
 */
async function ensureFerretDb(): Promise<string> {
  if (existsSync(FERRETDB_BINARY)) return FERRETDB_BINARY;
  console.log(`[devstack] building FerretDB ${VERSIONS.ferretdb} from the Go module proxy (about a minute, once)...`);
  await run('go', ['build', '-o', FERRETDB_BINARY, '.'], {
    cwd: join(REPO_ROOT, 'scripts', 'ferretdb'),
    env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  return FERRETDB_BINARY;
}

export interface MongoOptions {
  port: number;
  /** Directory for the data files; created if missing. */
  dataDir: string;
  name?: string;
}

/** Finds or builds the server binary: a `mongod` on PATH if there is one, else FerretDB. */
export async function ensureMongoServer(): Promise<{ mongod?: string; ferretdb?: string }> {
  const mongod = await onPath('mongod');
  return mongod ? { mongod } : { ferretdb: await ensureFerretDb() };
}

/** A `mongod` on PATH if there is one, else FerretDB on SQLite; either on loopback. */
export async function startMongo(options: MongoOptions): Promise<{ process: Managed; kind: string }> {
  mkdirSync(options.dataDir, { recursive: true });
  const { mongod, ferretdb } = await ensureMongoServer();
  const name = options.name ?? 'mongodb';
  const server = mongod
    ? startProcess(name, mongod, [
        '--bind_ip',
        '127.0.0.1',
        '--port',
        String(options.port),
        '--dbpath',
        options.dataDir,
      ])
    : startProcess(name, ferretdb as string, [
        '-listen',
        `127.0.0.1:${options.port}`,
        '-data',
        `${options.dataDir.replace(/\/?$/, '/')}`,
      ]);
  await waitUntil(
    mongod ? 'mongod' : 'FerretDB',
    async () => {
      const connection = await connectMongo(`mongodb://127.0.0.1:${options.port}/admin`);
      try {
        await pingMongo(connection);
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 60_000, process: server },
  );
  return { process: server, kind: mongod ? 'mongod' : `FerretDB ${VERSIONS.ferretdb} (SQLite)` };
}
