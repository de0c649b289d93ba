import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { loadConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import { addSearchAttributes } from '../../infra/temporal-client';
import { bulkTaskQueue, SEARCH_ATTRIBUTES } from '../../shared/temporal-names';
import { ensureTemporalCli } from '../../scripts/devstack/temporal';
import { ensureTemporalTestServer } from '../../scripts/devstack/temporal-test-server';
import { installTemporalRuntime } from '../../infra/temporal-runtime';
import { workerGroup } from '../../worker';

/**
 * Workflow tests: the real workflows on a Temporal server of the test file's
 * own, their activities stood in for by typed mocks (a `Pick<Activities, ...>`,
 * so that an activity renamed or re-typed breaks the test at compile time).
 * Nothing of the `npm test` stack is used.
 */

let logging = false;

/** The SDK's logs at LOG_LEVEL (warn under `npm test`), not its INFO lines for every worker state. Once per process. */
function quietTemporalLogs(): void {
  if (logging) return;
  installTemporalRuntime(createLogger(loadConfig().logLevel, 'workflow-test'));
  logging = true;
}

/**
 * The time-skipping test server: awaiting a workflow's result skips its timers,
 * so a retry schedule of hours takes no time. Our search attributes are
 * registered, as `npm test`'s Temporal has them (retryDelivery sets one).
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  quietTemporalLogs();
  const path = await ensureTemporalTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  try {
    // The test server has no ListSearchAttributes, so ensureSearchAttributes cannot ask what is missing.
    await addSearchAttributes(env.client, Object.values(SEARCH_ATTRIBUTES));
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/**
 * One time-skipping environment for a whole suite: started before its first
 * test, torn down after its last. Answers a getter for it.
 */
export function useTimeSkippingEnvironment(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  before(async () => {
    env = await startTimeSkippingEnvironment();
  });
  after(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping environment is used before it started');
    return env;
  };
}

/**
 * A dev server of its own (the stack's CLI), for what the test server does not
 * do: it never sets `continueAsNewSuggested`, which a real server sets once a
 * history has `suggestContinueAsNewAfterEvents` events (4,096 unless told).
 */
export async function startDevServerEnvironment(options: {
  suggestContinueAsNewAfterEvents: number;
}): Promise<TestWorkflowEnvironment> {
  quietTemporalLogs();
  const path = await ensureTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      // As `npm test`'s Temporal has them: the dispatch workflow sets HookIds.
      searchAttributes: Object.values(SEARCH_ATTRIBUTES),
      extraArgs: [
        '--dynamic-config-value',
        `limit.historyCount.suggestContinueAsNew=${options.suggestContinueAsNewAfterEvents}`,
      ],
    },
  });
}

/** Bundled once per test file (webpack's report unprinted): it takes about a second for each worker otherwise. */
let workflowBundle: Promise<WorkflowBundle> | undefined;

/**
 * Runs `work` while workers serve a fresh task queue (the workflows and
 * `activities`) and its bulk queue (the same activities), as createWorker's
 * do. `signal` is the test's (`t.signal`): a test that times out, as one
 * whose workflow never ends does, stops its workers, so that its file ends.
 */
export async function withMockWorkers<T>(
  env: TestWorkflowEnvironment,
  activities: Partial<Activities>,
  signal: AbortSignal,
  work: (taskQueue: string) => Promise<T>,
): Promise<T> {
  workflowBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const taskQueue = `workflow-test-${randomBytes(4).toString('hex')}`;
  const main = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle,
    activities,
  });
  const bulk = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: bulkTaskQueue(taskQueue),
    activities,
  });
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
  return workerGroup([main, bulk]).runUntil(() => Promise.race([work(taskQueue), aborted]));
}
