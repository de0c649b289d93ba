import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from './activities';
import { createHttpClient, type HttpClient } from './activities/http/client';
import { loadConfig, requireMasterKey, type Config } from './domain/config';
import { createLogger, type Logger } from './domain/logger';
import { createModels, type Models } from './domain/models';
import { ensureRetentionSchedule } from './domain/retention';
import { connectMongo, syncIndexes } from './domain/mongo';
import { createSecretBox, type SecretBox } from './domain/secret-box';
import { connectTemporalClient } from './domain/temporal-client';

const TEMPORAL_LOG_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/** Sends the SDK's own logs through our logger, at our level. Once per process. */
export function installTemporalLogging(logger: Logger): void {
  const level = TEMPORAL_LOG_LEVELS[logger.level] ?? 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const method =
        entryLevel === 'TRACE' ? 'trace' : (entryLevel.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      logger[method]({ ...meta, source: 'temporal' }, message);
    }),
  });
}

/** Wires the worker: connections in, activities and workflows registered, nothing else. */
export async function createWorker(
  config: Config,
  deps: { models: Models; http: HttpClient; secrets: SecretBox; temporal: Client; mailer: Transporter },
) {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(config.workflowBundle
      ? { workflowBundle: { codePath: config.workflowBundle } }
      : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities({
      ...deps,
      emailFrom: config.emailFrom,
      publicUrl: config.publicUrl,
      deliveryDefaults: config.deliveryDefaults,
      replayRate: config.replayRate,
      allowPrivateTargets: config.allowPrivateTargets,
    }),
  });
  return { worker, connection };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  installTemporalLogging(logger);
  const mongo = await connectMongo(config.mongodbUri);
  const models = createModels(mongo);
  await syncIndexes(mongo);
  const http = createHttpClient({ allowPrivateTargets: config.allowPrivateTargets });
  const secrets = createSecretBox(requireMasterKey(config));
  const temporal = await connectTemporalClient(config.temporal);
  const mailer = nodemailer.createTransport(config.smtpUrl);
  const { worker, connection } = await createWorker(config, { models, http, secrets, temporal, mailer });
  await ensureRetentionSchedule(temporal, config.temporal.taskQueue, config.retention);
  logger.info({ taskQueue: config.temporal.taskQueue, temporal: config.temporal.address }, 'worker started');
  // The SDK stops polling on SIGINT/SIGTERM and lets running tasks finish before run() resolves.
  await worker.run();
  mailer.close();
  await Promise.all([connection.close(), temporal.connection.close(), http.close(), mongo.close()]);
  logger.info('worker stopped');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
