import { join } from 'node:path';
import { externalServices, type ConfigEnv } from '../../domain/config';
import { startMongo } from './mongo';
import { startSmtpCatcher } from './smtp-catcher';
import { startTemporal } from './temporal';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  mongo: number;
  smtp: number;
  mailbox: number;
}

export interface StackOptions {
  ports: StackPorts;
  /** Where Temporal's SQLite file and the MongoDB data go. */
  dataDir: string;
  /** Prefix for log file names, so that a test run does not write over the dev stack's logs. */
  logPrefix: string;
  /** Use the services named by TEMPORAL_ADDRESS, MONGODB_URI and SMTP_URL when set (default true). */
  useExternal?: boolean;
}

export interface Stack {
  /** What the worker and API need to reach the stack. */
  env: ConfigEnv;
  /** One line per service, for people. */
  services: string[];
  stop(): Promise<void>;
}

/**
 * Starts what the environment does not already provide: Temporal (with its Web
 * UI), a MongoDB-wire server and an SMTP catcher, all on loopback.
 */
export async function startStack({ ports, dataDir, logPrefix, useExternal = true }: StackOptions): Promise<Stack> {
  const external = useExternal ? externalServices() : {};
  const stoppers: (() => Promise<void>)[] = [];
  const services: string[] = [];
  const env: ConfigEnv = {};
  const stop = async () => {
    await Promise.all(stoppers.reverse().map((stopOne) => stopOne().catch(() => undefined)));
  };

  try {
    const [temporal, mongo] = await Promise.all([
      external.temporalAddress
        ? undefined
        : startTemporal({
            port: ports.temporal,
            uiPort: ports.temporalUi,
            dbFile: join(dataDir, 'temporal.sqlite'),
            name: `${logPrefix}temporal`,
          }).then((server) => {
            stoppers.push(() => server.stop());
            return server;
          }),
      external.mongodbUri
        ? undefined
        : startMongo({ port: ports.mongo, dataDir: join(dataDir, 'mongo'), name: `${logPrefix}mongodb` }).then(
            (started) => {
              stoppers.push(() => started.process.stop());
              return started;
            },
          ),
    ]);

    env.TEMPORAL_ADDRESS = external.temporalAddress ?? `127.0.0.1:${ports.temporal}`;
    services.push(
      temporal
        ? `Temporal      127.0.0.1:${ports.temporal}  (Web UI http://127.0.0.1:${ports.temporalUi})`
        : `Temporal      ${env.TEMPORAL_ADDRESS}  (given by TEMPORAL_ADDRESS)`,
    );

    env.MONGODB_URI = external.mongodbUri ?? `mongodb://127.0.0.1:${ports.mongo}/hookflow`;
    services.push(`MongoDB       ${env.MONGODB_URI}  (${mongo ? mongo.kind : 'given by MONGODB_URI'})`);

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
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, services, stop };
}
