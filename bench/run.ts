/**
 * `npm run bench [-- <scenario>...] [--large] [--smoke] [--profile] [--hooks 1000,10000] [--rates 50,200 --duration 60] [--out <dir>]`
 *
 * Starts a stack of its own on free ports (or uses TEMPORAL_ADDRESS,
 * MONGODB_URI and SMTP_URL when given), runs the scenarios (scale, baseline,
 * fanout, stream, failures by default; isolation only when named, its 30,000
 * deliveries take several minutes), prints tables and writes every figure to
 * a JSON file under bench/results/. Scale runs first: it measures the hot
 * queries on an empty store, preloads a million deliveries (several minutes),
 * measures them again, and leaves that store to the scenarios after it. Each
 * of those runs its own worker and API processes, as `npm run dev` does, on
 * the preloaded store (else a fresh database) and a task queue of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config';
import { connectMongo } from '../infra/mongo';
import { connectTemporalClient } from '../infra/temporal-client';
import { SEND_CONCURRENCY } from '../activities';
import { writeWorkflowBundle } from '../scripts/bundle-workflows';
import { DEVSTACK_DIR, REPO_ROOT, VERSIONS } from '../scripts/devstack/paths';
import { freeStackPorts, startStack, type Stack } from '../scripts/devstack/stack';
import { stackContext, type BenchContext } from './context';
import { startReceivers } from './receivers';
import { checkTargets, renderTables, type ScenarioResults } from './report';
import { runBaseline, runFanOut } from './scenarios/fanout';
import { runFailures } from './scenarios/failures';
import { runIsolation, type IsolationOptions } from './scenarios/isolation';
import { runScale, type ScaleOptions } from './scenarios/scale';
import { runStream, type StreamOptions } from './scenarios/stream';
import { REAL_VOLUME } from './preload';

const SCENARIOS = ['baseline', 'fanout', 'stream', 'failures', 'scale', 'isolation'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Run when no scenario is named. */
const DEFAULT_SCENARIOS: readonly Scenario[] = ['scale', 'baseline', 'fanout', 'stream', 'failures'];

interface Sizes {
  fanoutHooks: number[];
  stream: StreamOptions;
  failureHooks: number[];
  scale: ScaleOptions;
  isolation: IsolationOptions;
}

const FULL: Sizes = {
  fanoutHooks: [1_000, 10_000],
  stream: {
    rates: [50, 200],
    durationS: 60,
    rampRates: [10, 20, 30, 40, 60, 80, 100, 150, 200, 300],
    rampDurationS: 15,
  },
  failureHooks: [1_000],
  scale: { volume: REAL_VOLUME, measureForMs: 3_000 },
  isolation: { bigHooks: 10_000, bigEvents: 3, rate: 20, durationS: 30 },
};

/** A few seconds of each scenario: proves the harness works, measures nothing worth quoting. */
const SMOKE: Sizes = {
  fanoutHooks: [20],
  stream: { rates: [5], durationS: 2, rampRates: [10], rampDurationS: 2 },
  failureHooks: [20],
  scale: { volume: { deliveries: 2_000, events: 400, hooks: 100 }, measureForMs: 200 },
  isolation: { bigHooks: 50, bigEvents: 2, rate: 5, durationS: 2 },
};

function numbers(list: string): number[] {
  const parsed = list.split(',').map(Number);
  if (parsed.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`Expected positive integers: ${list}`);
  return parsed;
}

function parseCommandLine() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      large: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      receivers: { type: 'string', default: '1' },
      /** Comma-separated: fan-out sizes, or stream rates, instead of the defaults. */
      hooks: { type: 'string' },
      rates: { type: 'string' },
      /** Seconds each stream rate is held. */
      duration: { type: 'string' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    },
  });
  const unknown = positionals.filter((name) => !SCENARIOS.includes(name as Scenario));
  if (unknown.length > 0)
    throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  const scenarios = new Set<Scenario>(positionals.length ? (positionals as Scenario[]) : DEFAULT_SCENARIOS);
  // The fan-out's efficiency is a ratio to the baseline of the same run.
  if (scenarios.has('fanout')) scenarios.add('baseline');
  const defaults = values.smoke ? SMOKE : FULL;
  const fanoutHooks = values.hooks ? numbers(values.hooks) : defaults.fanoutHooks;
  return {
    scenarios,
    sizes: {
      ...defaults,
      fanoutHooks: values.large ? [...fanoutHooks, 100_000] : fanoutHooks,
      stream: {
        ...defaults.stream,
        ...(values.rates ? { rates: numbers(values.rates), rampRates: [] } : {}),
        ...(values.duration ? { durationS: numbers(values.duration)[0] as number } : {}),
      },
    },
    smoke: values.smoke,
    profile: values.profile,
    receivers: numbers(values.receivers)[0] as number,
    out: values.out,
  };
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function main(): Promise<void> {
  const options = parseCommandLine();
  const dataDir = join(DEVSTACK_DIR, `bench-run-${process.pid}`);
  const stack = await startStack({ ports: await freeStackPorts(), dataDir, logPrefix: 'bench-' });
  // Undone in reverse order, however far the run got.
  const cleanups: (() => Promise<unknown>)[] = [() => stack.stop()];
  try {
    await runOn(stack, dataDir, options, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the scenarios on a started stack, writes the result file and prints the tables. */
async function runOn(
  stack: Stack,
  dataDir: string,
  options: ReturnType<typeof parseCommandLine>,
  cleanups: (() => Promise<unknown>)[],
): Promise<void> {
  const log = (line: string) => console.log(`[bench] ${line}`);
  // Workers load a prebuilt bundle, as in production (see the Dockerfile), so that their memory peak is the work's.
  const workflowBundle = join(dataDir, 'workflow-bundle.js');
  await writeWorkflowBundle(workflowBundle);
  const temporal = await connectTemporalClient({
    address: stack.env.TEMPORAL_ADDRESS as string,
    namespace: loadConfig().temporal.namespace,
    taskQueue: '',
  });
  cleanups.push(() => temporal.connection.close());
  const mongo = await connectMongo(stack.env.MONGODB_URI as string);
  cleanups.push(() => mongo.close());
  const receivers = await startReceivers(options.receivers);
  cleanups.push(() => receivers.stop());
  let profileDir: string | undefined;
  if (options.profile) {
    profileDir = join(REPO_ROOT, 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(profileDir, { recursive: true });
  }
  const context: BenchContext = {
    ...stackContext(stack, workflowBundle),
    temporal,
    mongo,
    receivers,
    profileDir,
    log,
  };
  const results: ScenarioResults = {};
  const failures: { scenario: string; message: string }[] = [];
  stack.services.forEach((line) => log(line));
  const server = await mongo.db!.admin().command({ serverStatus: 1 });
  // A scenario that fails is reported, and the others still run: one broken figure should not hide the rest.
  const attempt = async <T>(scenario: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${scenario} failed: ${message}`);
      failures.push({ scenario, message });
      return undefined;
    }
  };
  const each = async <T>(scenario: string, sizes: number[], work: (size: number) => Promise<T>) => {
    const done: T[] = [];
    for (const size of sizes) {
      const result = await attempt(`${scenario} ${size}`, () => work(size));
      if (result !== undefined) done.push(result);
    }
    return done;
  };
  // First, so that the scenarios after it run beside its preloaded volume rather than on an empty store.
  if (options.scenarios.has('scale')) {
    const scale = await attempt('scale', () => runScale(context, options.sizes.scale));
    if (scale) {
      const { storeUrl, ...figures } = scale;
      results.scale = figures;
      context.preloadedStoreUrl = storeUrl;
      cleanups.push(async () => {
        const preloaded = await connectMongo(storeUrl);
        await preloaded.dropDatabase();
        await preloaded.close();
      });
      log('scale: the scenarios that follow run on its preloaded store');
    }
  }
  if (options.scenarios.has('baseline')) {
    results.baseline = await each('baseline', options.sizes.fanoutHooks, (hooks) => {
      log(`baseline: ${hooks} POSTs...`);
      return runBaseline(context, hooks, SEND_CONCURRENCY);
    });
  }
  if (options.scenarios.has('fanout')) {
    results.fanout = await each('fanout', options.sizes.fanoutHooks, (hooks) => {
      log(`fanout: one event to ${hooks} hooks...`);
      return runFanOut(context, hooks);
    });
  }
  if (options.scenarios.has('stream')) {
    results.stream = await attempt('stream', () => runStream(context, options.sizes.stream));
  }
  if (options.scenarios.has('failures')) {
    results.failures = await each('failures', options.sizes.failureHooks, (hooks) => {
      log(`failures: ${hooks} hooks, a tenth failing once...`);
      return runFailures(context, hooks);
    });
  }

  if (options.scenarios.has('isolation')) {
    results.isolation = await attempt('isolation', () => {
      log('isolation: a big owner beside a stream...');
      return runIsolation(context, options.sizes.isolation);
    });
  }

  const targets = checkTargets(results);
  const commit = git('rev-parse', 'HEAD');
  const report = {
    commit,
    uncommittedChanges: git('status', '--porcelain').length > 0,
    date: new Date().toISOString(),
    smoke: options.smoke,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
    },
    versions: {
      node: process.version,
      temporalCli: VERSIONS.temporalCli,
      temporalSdk: packageVersion('@temporalio/worker'),
      // FerretDB built from our own main reports its version as "unknown"; the pin says which it is.
      database: server.ferretdbVersion
        ? `FerretDB ${stack.processes.database.length > 0 ? VERSIONS.ferretdb : server.ferretdbVersion}`
        : `MongoDB ${server.version}`,
      mongoose: packageVersion('mongoose'),
      undici: packageVersion('undici'),
    },
    receivers: options.receivers,
    sendConcurrency: SEND_CONCURRENCY,
    targets,
    failures,
    results,
  };
  mkdirSync(options.out, { recursive: true });
  const file = join(
    options.out,
    // The scenarios are in the name: two runs of one commit on one day (all of them, then isolation) wrote one file.
    `${report.date.slice(0, 10)}-${commit.slice(0, 8)}-${[...options.scenarios].join('-')}${options.smoke ? '-smoke' : ''}.json`,
  );
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${renderTables(results, targets)}\n`);
  if (profileDir) log(`CPU profiles (open in Chrome DevTools): ${profileDir}`);
  log(`results: ${file}`);
  if (failures.length > 0) {
    const which = failures.map(({ scenario, message }) => `${scenario}: ${message}`).join('; ');
    throw new Error(`${failures.length} scenario(s) failed (${which}): see "failures" in ${file}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
