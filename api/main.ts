import type { Server } from 'node:http';
import { loadConfig, requireMasterKey, type Config } from '../infra/config';
import { durationMs } from '../core/durations';
import { createLogger, type Logger } from '../infra/logger';
import { startTracing, type Tracing } from '../infra/tracing';
import { createApiMetrics } from '../infra/metrics/api-metrics';
import { seedEventCatalogue } from '../services/event-types';
import { createModels } from '../infra/models';
import { connectMongo, pingMongo, QUICK_HANG_DETECTION, syncIndexes } from '../infra/mongo';
import { createSecretBox } from '../infra/secret-box';
import { connectTemporalClient, ensureSearchAttributes, pingTemporal } from '../infra/temporal-client';
import { createApp } from './app';
import { startDispatcher } from './dispatching';
import { answerClientErrors } from './client-errors';

export interface RunningApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Connects to MongoDB and Temporal, then listens; `close()` stops accepting, drains and disconnects.
 * Given `tracing` (started by the caller, once per process), requests and workflow starts are traced.
 */
export async function startApi(config: Config, logger: Logger, tracing?: Tracing): Promise<RunningApi> {
  const adminKey = config.adminKey;
  if (!adminKey) throw new Error('HOOKFLOW_ADMIN_KEY is not set: the API refuses to start without an admin key');
  const secrets = createSecretBox(requireMasterKey(config));
  const mongo = await connectMongo(config.mongodbUri, QUICK_HANG_DETECTION);
  const models = createModels(mongo);
  await syncIndexes(mongo);
  await seedEventCatalogue(models);
  const temporal = await connectTemporalClient(config.temporal, tracing?.clientInterceptors);
  await ensureSearchAttributes(temporal);
  const dispatching = startDispatcher({
    models,
    temporal,
    taskQueue: config.temporal.taskQueue,
    intervalMs: durationMs(config.dispatchInterval),
    logger,
  });

  const app = createApp({
    config: { ...config, adminKey },
    models,
    temporal,
    secrets,
    logger,
    dispatcher: dispatching.dispatcher,
    metrics: createApiMetrics(),
    traced: tracing !== undefined,
    readinessChecks: {
      mongodb: (signal) => pingMongo(mongo, signal),
      temporal: (signal) => pingTemporal(temporal, signal),
    },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  answerClientErrors(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    server,
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await dispatching.stop();
      await Promise.all([temporal.connection.close(), mongo.close(), tracing?.shutdown()]);
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api', config.logFormat);
  const tracing = config.tracing && startTracing(config.tracing, 'hookflow-api');
  const api = await startApi(config, logger, tracing);
  logger.info({ url: api.url }, 'API listening');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API shutting down');
    api.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'API shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
