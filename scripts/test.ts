/**
 * `npm test`: type-checks and lints, starts a stack of its own on free ports
 * (or uses the services given by TEMPORAL_ADDRESS, MONGODB_URI, SMTP_URL),
 * runs every test file against it, and stops it. `npm test -- test/x.test.ts`
 * runs the given files only, without the checks.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../infra/config';
import { DEVSTACK_DIR, REPO_ROOT } from './devstack/paths';
import { run } from './devstack/processes';
import { freeStackPorts, startStack } from './devstack/stack';
import { ensureTemporalTestServer } from './devstack/temporal-test-server';
import { ensurePortalBuilt } from './portal/build';
import { ensureChromium } from './devstack/chromium';

const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

/** Every folder of the project's own code, for the cycle check. */
const SOURCE_FOLDERS = [
  'worker.ts',
  'api',
  'activities',
  'targets',
  'workflows',
  'shared',
  'core',
  'infra',
  'records',
  'services',
  'scripts',
  'bench',
  'test',
  'portal',
  'sdk',
  'cli',
];

async function staticChecks(): Promise<void> {
  console.log('[test] type-checking...');
  await run(bin('tsc'), ['--noEmit'], { cwd: REPO_ROOT });
  await run(bin('tsc'), ['--noEmit', '-p', 'portal'], { cwd: REPO_ROOT });
  await run(bin('tsc'), ['--noEmit', '-p', join('sdk', 'typescript')], { cwd: REPO_ROOT });
  console.log('[test] linting...');
  await run(bin('eslint'), ['.'], { cwd: REPO_ROOT });
  await run(bin('prettier'), ['--check', '--log-level', 'warn', '.'], { cwd: REPO_ROOT });
  console.log('[test] checking for import cycles...');
  await run(bin('depcruise'), ['--config', '.dependency-cruiser.cjs', ...SOURCE_FOLDERS], { cwd: REPO_ROOT });
}

/**
 * Test files that spend most of their time waiting, with the CPU idle: they run in a process of their own beside
 * the others. delivery-timeout waits 65 s on a receiver that answers late (70 s of a 14.8 min run, alone);
 * ordered-hooks about 25 of its 31 s on a killed worker's heartbeat timeout and a slow answer.
 */
const WAITING_FILES = [join('test', 'delivery-timeout.test.ts'), join('test', 'ordered-hooks.test.ts')];

/**
 * Test files whose assertions time the stack (a lane's spacing, a breaker's trip and reset, a resume's or a
 * recovery's pace, an outage's length), or that load both cores themselves (the bench smoke run, the fan-out at
 * scale): they run after the others, one at a time, with nothing beside them.
 */
const ALONE_FILES = [
  'bench-smoke',
  'fan-out-scale',
  'hook-parking',
  'host-breaker',
  'outage',
  'rate-limit',
  'replays',
].map((name) => join('test', `${name}.test.ts`));

/**
 * The other files run two at a time: most of their time is spent waiting on the stack (retry timers, polling
 * until a delivery lands), so two share the two cores without slowing each other much. One at a time, the
 * warm `npm test` took 16.9 min.
 */
const CONCURRENT_FILES = 2;

function testFiles(): string[] {
  return readdirSync(join(REPO_ROOT, 'test'))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join('test', name));
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  if (requested.length === 0) await staticChecks();

  // Installed before any test file runs: with more cores than here they run side by side, and two workflow
  // test files must not install it at once.
  await ensureTemporalTestServer();
  const files = requested.length > 0 ? requested : testFiles();
  if (files.some((file) => file.includes('portal-browser'))) {
    // The browser tests open the portal the API serves, in Debian's Chromium.
    const log = (line: string) => console.log(`[test] ${line}`);
    await Promise.all([ensurePortalBuilt(log), ensureChromium(log)]);
  }
  const dataDir = join(DEVSTACK_DIR, `test-run-${process.pid}`);
  const ports = await freeStackPorts();
  console.log('[test] starting the test stack...');
  const stack = await startStack({ ports, dataDir, logPrefix: 'test-' });
  try {
    stack.services.forEach((line) => console.log(`[test]   ${line}`));
    const env = childEnv({
      ...stack.env,
      HOOKFLOW_ADMIN_KEY: `hf_admin_test_${randomBytes(16).toString('hex')}`,
      HOOKFLOW_MASTER_KEY: randomBytes(32).toString('base64'),
      HOOKFLOW_ALLOW_PRIVATE_TARGETS: '1',
      // Every answer of the API under test must match the schema it publishes.
      HOOKFLOW_CHECK_RESPONSES: '1',
      LOG_LEVEL: 'warn',
    });
    // A hung test file fails after the timeout instead of holding CI until its own limit.
    const runFiles = (group: string[], concurrency = 1) =>
      group.length === 0
        ? Promise.resolve()
        : run(
            process.execPath,
            [
              ...['--import', 'tsx', '--test', '--test-timeout', '300000', '--test-reporter', 'spec'],
              ...['--test-concurrency', String(concurrency), ...group],
            ],
            { cwd: REPO_ROOT, env },
          );
    const waiting = files.filter((file) => WAITING_FILES.includes(file));
    const alone = files.filter((file) => ALONE_FILES.includes(file));
    const others = files.filter((file) => !WAITING_FILES.includes(file) && !ALONE_FILES.includes(file));
    // Each group finishes before the next starts and before the stack stops, whichever fails.
    const outcomes = await Promise.allSettled([runFiles(others, CONCURRENT_FILES), runFiles(waiting)]);
    outcomes.push(...(await Promise.allSettled([runFiles(alone)])));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return 0;
  } catch (error) {
    console.error(`[test] ${(error as Error).message}`);
    return 1;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
