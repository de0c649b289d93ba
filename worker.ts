import { setPriority } from 'node:os';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from './activities';
import { createHttpClient, type HttpClient } from './activities/http/client';
import { traceSends } from './activities/http/traced-client';
import { createHostBreaker } from './activities/host-breaker';
import { createHookStatsWatcher } from './activities/hook-stats';
import { loadConfig, requireMasterKey, tracedWorkflowBundle, type Config } from './infra/config';
import { createLogger } from './infra/logger';
import { startTracing, type Tracing } from './infra/tracing';
import { freeLoopbackAddress, serveWorkerMetrics } from './infra/metrics/worker-endpoint';
import { createWorkerMetrics } from './infra/metrics/worker-metrics';
import { createModels, type Models } from './infra/models';
import { ensureRetentionSchedule } from './infra/retention';
import { connectMongo, syncIndexes } from './infra/mongo';
import { createSecretBox, type SecretBox } from './infra/secret-box';
import { connectTemporalClient } from './infra/temporal-client';
import { installTemporalRuntime } from './infra/temporal-runtime';
import { countRetriesWaiting } from './records/delivery-backlog';
import { bulkTaskQueue } from './shared/temporal-names';

/**
 * How many calls from the bulk task queue (a large fan-out's remaining hooks)
 * a worker runs at once: one, each sending 50 at a time, so that whatever big
 * fan-outs are running, what shares the machine (or, in a worker serving both
 * queues, its event loop) with them meets one at a time.
 */
const BULK_CALLS_AT_ONCE = 1;

/** The Temporal workers of one process, run and stopped together. */
export interface WorkerGroup {
  run(): Promise<void>;
  shutdown(): void;
  /** Runs until `work` settles, then shuts down and waits for the workers to stop. */
  runUntil<T>(work: Promise<T> | (() => Promise<T>)): Promise<T>;
}

export function workerGroup(workers: Worker[], afterStop?: () => Promise<void>): WorkerGroup {
  const group: WorkerGroup = {
    run: async () => {
      try {
        await Promise.all(workers.map((worker) => worker.run()));
      } finally {
        await afterStop?.();
      }
    },
    shutdown: () => workers.forEach((worker) => worker.shutdown()),
    runUntil: async (work) => {
      const running = group.run();
      try {
        return await (typeof work === 'function' ? work() : work);
      } finally {
        group.shutdown();
        await running;
      }
    },
  };
  return group;
}

/**
 * How much a worker process that serves only the bulk queue lowers its CPU
 * priority (a nice value): where it shares a machine with the main worker,
 * as in the dev stack, the main worker's dispatches run first. Linux keeps a
 * nice value per thread, so it is set first thing: the JavaScript thread and
 * those started after it (Temporal's core runtime) have it; the ones Node
 * started before (V8's helpers, libuv's pool) keep 0, as `/proc` showed.
 */
const BULK_WORKER_NICENESS = 10;

/**
 * Wires the worker: connections in, activities and workflows registered on
 * the task queue, the same activities on its bulk queue (bulkTaskQueue), as
 * many of the two as config.workerQueues says.
 */
export async function createWorker(
  config: Config,
  deps: { models: Models; http: HttpClient; secrets: SecretBox; temporal: Client; mailer: Transporter },
  tracing?: Tracing,
) {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const breakerLog = createLogger(config.logLevel, 'host-breaker', config.logFormat);
  const hostBreaker = createHostBreaker({
    models: deps.models,
    temporal: deps.temporal,
    taskQueue: config.temporal.taskQueue,
    settings: config.hostBreaker,
    onError: (error) => breakerLog.warn({ err: error }, 'could not sync the host breaker; trying again in a second'),
  });
  const metricsLog = createLogger(config.logLevel, 'metrics', config.logFormat);
  const metrics = createWorkerMetrics({
    countRetriesWaiting: () => countRetriesWaiting(deps.models),
    onCountFailed: (error) => metricsLog.warn({ err: error }, 'could not count the retries waiting'),
  });
  const statsLog = createLogger(config.logLevel, 'hook-stats', config.logFormat);
  const hookStats = createHookStatsWatcher(deps.models, (error) =>
    statsLog.warn({ err: error }, 'could not write the hook stats gathered; those attempts are on record, not counted'),
  );
  const activities = await createActivities({
    ...deps,
    metrics,
    hostBreaker,
    hookStats,
    emailFrom: config.emailFrom,
    publicUrl: config.publicUrl,
    deliveryDefaults: config.deliveryDefaults,
    taskQueue: config.temporal.taskQueue,
    replayRate: config.replayRate,
    allowPrivateTargets: config.allowPrivateTargets,
    operatorOwnerId: config.operatorOwnerId,
  });
  const { namespace, taskQueue } = config.temporal;
  const tracedWorkflows = tracing && {
    interceptors: {
      ...tracing.workerInterceptors,
      // A prebuilt bundle's traced twin has them built in (scripts/bundle-workflows.ts).
      workflowModules: config.workflowBundle ? [] : [require.resolve('./workflows/tracing-interceptors')],
    },
    sinks: tracing.workflowSinks,
  };
  const workers: Worker[] = [];
  if (config.workerQueues !== 'bulk') {
    workers.push(
      await Worker.create({
        connection,
        namespace,
        taskQueue,
        ...(config.workflowBundle
          ? {
              workflowBundle: {
                codePath: tracing ? tracedWorkflowBundle(config.workflowBundle) : config.workflowBundle,
              },
            }
          : { workflowsPath: require.resolve('./workflows') }),
        activities,
        ...tracedWorkflows,
      }),
    );
  }
  if (config.workerQueues !== 'main') {
    workers.push(
      await Worker.create({
        connection,
        namespace,
        taskQueue: bulkTaskQueue(taskQueue),
        activities,
        ...(tracing && { interceptors: tracing.workerInterceptors }),
        maxConcurrentActivityTaskExecutions: BULK_CALLS_AT_ONCE,
      }),
    );
  }
  const afterStop = async () => {
    await Promise.all([hostBreaker.close(), hookStats.close()]);
  };
  return { worker: workerGroup(workers, afterStop), connection, metrics };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workerQueues === 'bulk') setPriority(BULK_WORKER_NICENESS);
  const logger = createLogger(config.logLevel, 'worker', config.logFormat);
  const temporalMetricsAddress = config.workerMetricsPort ? await freeLoopbackAddress() : undefined;
  installTemporalRuntime(logger, temporalMetricsAddress);
  const mongo = await connectMongo(config.mongodbUri);
  const models = createModels(mongo);
  await syncIndexes(mongo);
  const tracing = config.tracing && startTracing(config.tracing, 'hookflow-worker');
  const untracedHttp = createHttpClient({ allowPrivateTargets: config.allowPrivateTargets });
  const http = tracing ? traceSends(untracedHttp) : untracedHttp;
  const secrets = createSecretBox(requireMasterKey(config));
  const temporal = await connectTemporalClient(config.temporal, tracing?.clientInterceptors);
  const mailer = nodemailer.createTransport(config.smtpUrl);
  const deps = { models, http, secrets, temporal, mailer };
  const { worker, connection, metrics } = await createWorker(config, deps, tracing);
  const metricsEndpoint =
    config.workerMetricsPort && temporalMetricsAddress
      ? await serveWorkerMetrics({
          registry: metrics.registry,
          host: config.host,
          port: config.workerMetricsPort,
          temporalMetricsAddress,
          onError: (error) => logger.warn({ err: error }, 'a metrics scrape went wrong'),
        })
      : undefined;
  if (config.workerQueues !== 'bulk') {
    await ensureRetentionSchedule(temporal, config.temporal.taskQueue, config.retention);
  }
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      queues: config.workerQueues,
      temporal: config.temporal.address,
      metrics: metricsEndpoint?.url,
    },
    'worker started',
  );
  // The SDK stops polling on SIGINT/SIGTERM and lets running tasks finish before run() resolves.
  await worker.run();
  await metricsEndpoint?.close();
  mailer.close();
  await Promise.all([connection.close(), temporal.connection.close(), http.close(), mongo.close()]);
  await tracing?.shutdown();
  logger.info('worker stopped');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
