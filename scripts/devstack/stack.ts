import { join } from 'node:path';
import { externalServices, type ConfigEnv } from '../../infra/config';
import { ensureMongoServer, startMongo, type FerretDbStore } from './mongo';
import type { Managed } from './processes';
import { freePort } from './ports';
import { startSmtpCatcher } from './smtp-catcher';
import { ensureTemporalCli, startTemporal } from './temporal';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  mongo: number;
  smtp: number;
  mailbox: number;
}

/** Ports that were free a moment ago, for a stack beside whatever else runs here. */
export async function freeStackPorts(): Promise<StackPorts> {
  const picked = new Set<number>();
  while (picked.size < 5) picked.add(await freePort());
  const [temporal, temporalUi, mongo, smtp, mailbox] = [...picked] as [number, number, number, number, number];
  return { temporal, temporalUi, mongo, smtp, mailbox };
}

export interface StackOptions {
  ports: StackPorts;
  /** Where Temporal's SQLite file and the MongoDB data go. */
  dataDir: string;
  /** Prefix for log file names, so that a test run does not write over the dev stack's logs. */
  logPrefix: string;
  /** Use the services named by TEMPORAL_ADDRESS, MONGODB_URI and SMTP_URL when set (default true). */
  useExternal?: boolean;
  /** FerretDB's backend, when the stack runs FerretDB (default: PostgreSQL, or HOOKFLOW_DEV_STORE). */
  store?: FerretDbStore;
}

export interface Stack {
  /** What the worker and API need to reach the stack. */
  env: ConfigEnv;
  /** One line per service, for people. */
  services: string[];
  /** The server processes this stack started (not the given ones), each the leader of its process group. */
  processes: { database: Managed[]; temporal?: Managed };
  /** FerretDB's PostgreSQL database, when this stack started one (the benchmark vacuums it after a preload). */
  postgresUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts what the environment does not already provide: a MongoDB-wire
 * server, an SMTP catcher and Temporal (with its Web UI), all on loopback.
 */
export async function startStack({
  ports,
  dataDir,
  logPrefix,
  useExternal = true,
  store,
}: StackOptions): Promise<Stack> {
  const external = useExternal ? externalServices() : {};
  const stoppers: (() => Promise<void>)[] = [];
  const services: string[] = [];
  const env: ConfigEnv = {};
  const processes: Stack['processes'] = { database: [] };
  let postgresUrl: string | undefined;
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };

  // Installing is slow and independent, so it runs side by side...
  await Promise.all([
    external.temporalAddress ? undefined : ensureTemporalCli(),
    external.mongodbUri ? undefined : ensureMongoServer(),
  ]);

  // ...but the servers start one after another, Temporal last: it binds several
  // internal services to random ports, which must not take the ones we picked.
  try {
    if (external.mongodbUri) {
      env.MONGODB_URI = external.mongodbUri;
      services.push(`MongoDB       ${env.MONGODB_URI}  (given by MONGODB_URI)`);
    } else {
      const mongo = await startMongo({
        store,
        port: ports.mongo,
        dataDir: join(dataDir, 'mongo'),
        name: `${logPrefix}mongodb`,
      });
      stoppers.push(() => mongo.stop());
      processes.database = mongo.processes;
      postgresUrl = mongo.postgresUrl;
      env.MONGODB_URI = `mongodb://127.0.0.1:${ports.mongo}/hookflow`;
      services.push(`MongoDB       ${env.MONGODB_URI}  (${mongo.kind})`);
    }

    if (external.smtpUrl) {
      env.SMTP_URL = external.smtpUrl;
      services.push(`SMTP          ${external.smtpUrl}  (given by SMTP_URL)`);
    } else {
      const catcher = await startSmtpCatcher({ smtpPort: ports.smtp, httpPort: ports.mailbox });
      stoppers.push(() => catcher.stop());
      env.SMTP_URL = catcher.smtpUrl;
      env.HOOKFLOW_MAILBOX_URL = catcher.mailboxUrl;
      services.push(`SMTP catcher  ${catcher.smtpUrl}  (caught mails: ${catcher.mailboxUrl})`);
    }

    if (external.temporalAddress) {
      env.TEMPORAL_ADDRESS = external.temporalAddress;
      services.push(`Temporal      ${env.TEMPORAL_ADDRESS}  (given by TEMPORAL_ADDRESS)`);
    } else {
      const temporal = await startTemporal({
        port: ports.temporal,
        uiPort: ports.temporalUi,
        dbFile: join(dataDir, 'temporal.sqlite'),
        name: `${logPrefix}temporal`,
      });
      stoppers.push(() => temporal.stop());
      processes.temporal = temporal;
      env.TEMPORAL_ADDRESS = `127.0.0.1:${ports.temporal}`;
      services.push(`Temporal      ${env.TEMPORAL_ADDRESS}  (Web UI http://127.0.0.1:${ports.temporalUi})`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, services, processes, postgresUrl, stop };
}
