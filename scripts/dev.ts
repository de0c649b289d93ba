/**
 * `npm run dev`: the whole stack in the foreground (Temporal and its Web UI, a
 * MongoDB-wire server, an SMTP catcher, the worker and the API), until Ctrl-C.
 */
import { join } from 'node:path';
import { externalServices, loadConfig } from '../infra/config';
import { devAdminKey, devMasterKey } from './devstack/dev-keys';
import { startEntryPoint, startWorkerProcesses, waitForReadyApi } from './devstack/app-processes';
import { DEVSTACK_DIR, LOG_DIR } from './devstack/paths';
import { assertPortFree } from './devstack/ports';
import { startStack } from './devstack/stack';
import { ensurePortalBuilt } from './portal/build';

const DEV_PORTS = { temporal: 7233, temporalUi: 8233, mongo: 27017, smtp: 1025, mailbox: 8025 };
/**
 * The main worker's metrics port, unless HOOKFLOW_WORKER_METRICS_PORT names
 * another (0: none); the bulk worker's is the next one. 9464 is the default
 * of OpenTelemetry's Prometheus exporters, clear of the stack's other ports.
 */
const DEV_WORKER_METRICS_PORT = 9464;

/** The workers' metrics ports, checked free, or none. */
async function workerMetricsPorts(): Promise<{ main: number; bulk: number } | undefined> {
  const main = externalServices().workerMetricsPort ?? DEV_WORKER_METRICS_PORT;
  if (main === 0) return undefined;
  const ports = { main, bulk: main + 1 };
  const hint = 'set HOOKFLOW_WORKER_METRICS_PORT to use another pair, or 0 for none';
  await assertPortFree(ports.main, `the worker's metrics; ${hint}`);
  await assertPortFree(ports.bulk, `the bulk worker's metrics; ${hint}`);
  return ports;
}

async function main(): Promise<void> {
  const config = loadConfig();
  await assertPortFree(config.port, 'the API; set PORT to use another');
  const metricsPorts = await workerMetricsPorts();
  // Built beside the stack's start-up (a few seconds of a minute); the API serves it once it is there.
  const portalBuilt = ensurePortalBuilt((line) => console.log(`[dev] ${line}`));
  const stack = await startStack({ ports: DEV_PORTS, dataDir: join(DEVSTACK_DIR, 'data'), logPrefix: '' });
  const adminKey = config.adminKey ?? devAdminKey();
  const env = {
    ...stack.env,
    HOOKFLOW_ADMIN_KEY: adminKey,
    HOOKFLOW_MASTER_KEY: config.masterKey?.toString('base64') ?? devMasterKey(),
    // Local receivers are the point of a dev stack; production keeps the guard on.
    HOOKFLOW_ALLOW_PRIVATE_TARGETS: externalServices().allowPrivateTargets === false ? '0' : '1',
  };
  const workers = startWorkerProcesses('worker', env, { echo: true, metricsPorts });
  const api = startEntryPoint('api', 'api/main.ts', env, { echo: true });
  const children = [workers.main, workers.bulk, api];
  const stopAll = async () => {
    await Promise.all(children.map((child) => child.stop()));
    await stack.stop();
  };

  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[dev] stopping...');
    stopAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const child of children) {
    child.child.once('exit', (code) => {
      if (stopping) return;
      console.error(`[dev] ${child.name} exited (${code}); see ${child.logFile}. Stopping the stack.`);
      onSignal();
    });
  }

  const apiUrl = `http://127.0.0.1:${config.port}`;
  try {
    await Promise.all([waitForReadyApi(apiUrl, api), portalBuilt]);
  } catch (error) {
    await stopAll();
    throw error;
  }
  console.log(
    [
      '',
      'Hookflow dev stack is up:',
      `  API           ${apiUrl}  (metrics: ${apiUrl}/metrics, with the admin key)`,
      metricsPorts
        ? `  Worker        metrics: http://127.0.0.1:${metricsPorts.main}/metrics  (bulk worker: http://127.0.0.1:${metricsPorts.bulk}/metrics)`
        : '  Worker        metrics: off (HOOKFLOW_WORKER_METRICS_PORT=0)',
      ...stack.services.map((line) => `  ${line}`),
      `  Logs          ${LOG_DIR}`,
      '',
      `  Admin key     ${adminKey}`,
      '',
      `  Portal        ${apiUrl}/portal/  (for an owner: mint its link, then open the "url" of the answer)`,
      `                curl -s -X POST ${apiUrl}/v1/owners/<ownerId>/portal-sessions -H 'authorization: Bearer ${adminKey}'`,
      '',
      'Ctrl-C stops everything started here.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
