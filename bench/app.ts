import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal as temporalApi } from '@temporalio/proto';
import type { Connection } from 'mongoose';
import { request } from 'undici';
import type { ConfigEnv } from '../infra/config';
import { createModels } from '../infra/models';
import { connectMongo } from '../infra/mongo';
import { startEntryPoint, startWorkerProcesses, waitForReadyApi } from '../scripts/devstack/app-processes';
import { freePort } from '../scripts/devstack/ports';
import { waitUntil, type Managed } from '../scripts/devstack/processes';

export interface BenchAppOptions {
  /** How to reach the stack (TEMPORAL_ADDRESS, MONGODB_URI, SMTP_URL). */
  stackEnv: ConfigEnv;
  temporal: Client;
  /** Names the processes' log files. */
  name: string;
  /** Where the worker and the API write CPU profiles (Node's --cpu-prof), when set. */
  profileDir?: string;
  /** A database to share (the preloaded one), kept at stop; else one of its own, dropped at stop. */
  storeUrl?: string;
}

/** Peak resident memory of a live process (Linux's VmHWM), in MB. */
function peakRssMb(child: Managed): number {
  const status = readFileSync(`/proc/${child.child.pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/**
 * A Hookflow of its own for one scenario: the worker and the API as the
 * processes `npm run dev` runs, on a fresh database (or the preloaded one)
 * and task queue, so that each scenario's data, memory peak and Temporal
 * histories are its own.
 */
export async function startBenchApp({ stackEnv, temporal, name, profileDir, storeUrl }: BenchAppOptions) {
  const suffix = randomBytes(4).toString('hex');
  const mongoUrl = new URL(storeUrl ?? (stackEnv.MONGODB_URI as string));
  if (!storeUrl) mongoUrl.pathname = `/hookflow_bench_${suffix}`;
  const taskQueue = `hookflow-bench-${suffix}`;
  const port = await freePort();
  const adminKey = `hf_admin_bench_${randomBytes(16).toString('hex')}`;
  const env: ConfigEnv = {
    ...stackEnv,
    MONGODB_URI: mongoUrl.toString(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: String(port),
    HOOKFLOW_ADMIN_KEY: adminKey,
    HOOKFLOW_MASTER_KEY: randomBytes(32).toString('base64'),
    HOOKFLOW_ALLOW_PRIVATE_TARGETS: '1',
    LOG_LEVEL: 'warn',
  };
  // A directory per process: Node writes one profile per thread (the main one, tsx's loader, workflow threads).
  const profiling = (role: string) =>
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${name}-${role}`)}`] : [];
  const workers = startWorkerProcesses(`bench-${name}-worker`, env, {
    nodeArgs: (queues) => profiling(queues === 'main' ? 'worker' : 'worker-bulk'),
  });
  const api = startEntryPoint(`bench-${name}-api`, 'api/main.ts', env, { nodeArgs: profiling('api') });
  const mongo: Connection = await connectMongo(mongoUrl.toString());
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReadyApi(url, api);
    await waitUntil(
      'the benchmark worker',
      async () => {
        const { pollers } = await temporal.workflowService.describeTaskQueue({
          namespace: temporal.options.namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: temporalApi.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        if (!pollers?.length) throw new Error('no worker polls the task queue yet');
      },
      { timeoutMs: 60_000, process: workers.main },
    );
  } catch (error) {
    await Promise.all([api.stop(), workers.main.stop(), workers.bulk.stop(), mongo.close()]);
    throw error;
  }

  /** Calls the API; `key` defaults to the admin key. */
  async function call<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown, key = adminKey) {
    const response = await request(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  return {
    url,
    taskQueue,
    mongo,
    models: createModels(mongo),
    call,
    /** Each process leads a group of its own (see startProcess), for CPU readings. */
    processGroups: {
      worker: [workers.main.child.pid, workers.bulk.child.pid].filter((pid) => pid !== undefined),
      api: api.child.pid,
    },
    /** Peak RSS of the worker (its two processes' peaks together) and the API so far. */
    peakRss: () => ({ workerMb: peakRssMb(workers.main) + peakRssMb(workers.bulk), apiMb: peakRssMb(api) }),
    async stop(): Promise<void> {
      // SIGTERM lets both finish cleanly, which is also when Node writes their CPU profiles.
      await Promise.all([api.stop(), workers.main.stop(), workers.bulk.stop()]);
      if (!storeUrl) await mongo.dropDatabase();
      await mongo.close();
    },
  };
}

export type BenchApp = Awaited<ReturnType<typeof startBenchApp>>;
