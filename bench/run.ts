/**
 * `npm run bench [-- <scenario>...] [--large] [--smoke] [--profile] [--out <dir>]`
 *
 * Starts a stack of its own on free ports (or uses TEMPORAL_ADDRESS,
 * MONGODB_URI and SMTP_URL when given), runs the scenarios (baseline, fanout,
 * stream, failures; all by default), prints tables and writes every figure to
 * a JSON file under bench/results/. Each scenario runs its own worker and API
 * processes, as `npm run dev` does, on a fresh database and task queue.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectMongo } from '../domain/mongo';
import { connectTemporalClient } from '../domain/temporal-client';
import { SEND_CONCURRENCY } from '../activities';
import { writeWorkflowBundle } from '../scripts/bundle-workflows';
import { DEVSTACK_DIR, REPO_ROOT, VERSIONS } from '../scripts/devstack/paths';
import { freeStackPorts, startStack } from '../scripts/devstack/stack';
import type { BenchContext } from './context';
import { startReceivers } from './receivers';
import { checkTargets, renderTables, type ScenarioResults } from './report';
import { runBaseline, runFanOut } from './scenarios/fanout';
import { runFailures } from './scenarios/failures';
import { runStream, type StreamOptions } from './scenarios/stream';

const SCENARIOS = ['baseline', 'fanout', 'stream', 'failures'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Sizes {
  fanoutHooks: number[];
  stream: StreamOptions;
  failureHooks: number[];
}

const FULL: Sizes = {
  fanoutHooks: [1_000, 10_000],
  stream: { rates: [50, 200], durationS: 60, rampRates: [100, 150, 300, 400, 600], rampDurationS: 15 },
  failureHooks: [1_000],
};

/** A few seconds of each scenario: proves the harness works, measures nothing worth quoting. */
const SMOKE: Sizes = {
  fanoutHooks: [20],
  stream: { rates: [5], durationS: 2, rampRates: [10], rampDurationS: 2 },
  failureHooks: [20],
};

function parseCommandLine() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      large: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      receivers: { type: 'string', default: '1' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    },
  });
  const unknown = positionals.filter((name) => !SCENARIOS.includes(name as Scenario));
  if (unknown.length > 0)
    throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  const scenarios = new Set<Scenario>(positionals.length ? (positionals as Scenario[]) : SCENARIOS);
  // The fan-out's efficiency is a ratio to the baseline of the same run.
  if (scenarios.has('fanout')) scenarios.add('baseline');
  const sizes = values.smoke ? SMOKE : FULL;
  return {
    scenarios,
    sizes: { ...sizes, fanoutHooks: values.large ? [...sizes.fanoutHooks, 100_000] : sizes.fanoutHooks },
    smoke: values.smoke,
    profile: values.profile,
    receivers: Number(values.receivers),
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
  const log = (line: string) => console.log(`[bench] ${line}`);
  const dataDir = join(DEVSTACK_DIR, `bench-run-${process.pid}`);
  const stack = await startStack({ ports: await freeStackPorts(), dataDir, logPrefix: 'bench-' });
  // Workers load a prebuilt bundle, as in production (see the Dockerfile), so that their memory peak is the work's.
  const workflowBundle = join(dataDir, 'workflow-bundle.js');
  await writeWorkflowBundle(workflowBundle);
  const temporal = await connectTemporalClient({
    address: stack.env.TEMPORAL_ADDRESS as string,
    namespace: 'default',
    taskQueue: '',
  });
  const mongo = await connectMongo(stack.env.MONGODB_URI as string);
  const receivers = await startReceivers(options.receivers);
  let profileDir: string | undefined;
  if (options.profile) {
    profileDir = join(REPO_ROOT, 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(profileDir, { recursive: true });
  }
  const context: BenchContext = {
    stackEnv: { ...stack.env, HOOKFLOW_WORKFLOW_BUNDLE: workflowBundle },
    temporal,
    mongo,
    receivers,
    profileDir,
    log,
  };
  const results: ScenarioResults = {};
  try {
    stack.services.forEach((line) => log(line));
    const server = await mongo.db!.admin().command({ serverStatus: 1 });
    if (options.scenarios.has('baseline')) {
      results.baseline = [];
      for (const hooks of options.sizes.fanoutHooks) {
        log(`baseline: ${hooks} POSTs...`);
        results.baseline.push(await runBaseline(context, hooks, SEND_CONCURRENCY));
      }
    }
    if (options.scenarios.has('fanout')) {
      results.fanout = [];
      for (const hooks of options.sizes.fanoutHooks) {
        log(`fanout: one event to ${hooks} hooks...`);
        results.fanout.push(await runFanOut(context, hooks));
      }
    }
    if (options.scenarios.has('stream')) results.stream = await runStream(context, options.sizes.stream);
    if (options.scenarios.has('failures')) {
      results.failures = [];
      for (const hooks of options.sizes.failureHooks) {
        log(`failures: ${hooks} hooks, a tenth failing once...`);
        results.failures.push(await runFailures(context, hooks));
      }
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
        database: server.ferretdbVersion ? `FerretDB ${server.ferretdbVersion}` : `MongoDB ${server.version}`,
        mongoose: packageVersion('mongoose'),
        undici: packageVersion('undici'),
      },
      receivers: options.receivers,
      sendConcurrency: SEND_CONCURRENCY,
      targets,
      results,
    };
    mkdirSync(options.out, { recursive: true });
    const file = join(
      options.out,
      `${report.date.slice(0, 10)}-${commit.slice(0, 8)}${options.smoke ? '-smoke' : ''}.json`,
    );
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${renderTables(results, targets)}\n`);
    if (profileDir) log(`CPU profiles (open in Chrome DevTools): ${profileDir}`);
    log(`results: ${file}`);
  } finally {
    await receivers.stop();
    await mongo.close();
    await temporal.connection.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
