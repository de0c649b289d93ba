import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../scripts/devstack/paths';
import type { Managed } from '../scripts/devstack/processes';
import { ensureSchemathesis } from '../scripts/devstack/schemathesis';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startWorkerProcess } from './support/worker-process';

/**
 * Cases per operation and phase. With 10, the three runs side by side took 94-105 s and the whole file
 * (stack, API, worker, install cached) 153 s on the shared 2-core machine; with 15 and two runs, 210 s.
 */
const MAX_EXAMPLES = 10;
/** Fixed, so that a failure comes back on the next run and a green run stays green. */
const SEED = 20261201;

const CONFIG_FILE = join(REPO_ROOT, 'test', 'fuzz', 'schemathesis.toml');
const LOOPBACK_ONLY = join(REPO_ROOT, 'test', 'support', 'loopback-only.ts');

/**
 * Runs schemathesis to its end in `cwd` (hypothesis keeps a directory there), and resolves with its exit
 * code and everything it printed.
 */
function schemathesis(binary: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * Schemathesis against the API's own /openapi.json, with the address guard on
 * as in production: hooks the fuzzer creates point at random hosts, and the
 * worker that delivers them has the guard on too and runs in a process that
 * cannot reach past loopback (test/support/loopback-only.ts), so no request
 * of the fuzz ever leaves the machine. Any 5xx, any answer the document does
 * not describe, and any schema-valid request refused (or invalid one
 * accepted) fails the test with schemathesis's report.
 */
describe('API fuzz (schemathesis)', () => {
  let hookflow: Hookflow;
  let worker: Managed;
  let binary: string;
  let reports: string;
  let ownerKey: string;

  before(async () => {
    binary = await ensureSchemathesis();
    hookflow = await startHookflow({ worker: false, allowPrivateTargets: false });
    worker = await startWorkerProcess(hookflow.config, 'test-fuzz-worker', {
      // Required (CommonJS), so that Temporal's workflow thread, which inherits the flags, can load it too.
      nodeArgs: ['--require', 'tsx/cjs', '--require', LOOPBACK_ONLY],
    });
    ownerKey = (await hookflow.createOwner('Fuzz')).apiKey;
    reports = mkdtempSync(join(tmpdir(), 'hookflow-fuzz-'));
  });

  after(async () => {
    await worker?.stop();
    await hookflow?.stop();
    if (reports) rmSync(reports, { recursive: true, force: true });
  });

  // The coverage phase (each schema's boundary values, undeclared methods) depends on the document, not the
  // key: it runs once, with the admin key, which may call every route. The runs go one after another: side
  // by side, the admin's stateful run listed the owner's replay schedules and deleted one between the owner
  // run's create and its delete, which schemathesis rightly reports as a created resource not found.
  const runs = [
    { who: 'admin', phases: 'coverage' },
    { who: 'admin', phases: 'fuzzing,stateful' },
    { who: 'owner', phases: 'fuzzing,stateful' },
  ] as const;
  for (const { who, phases } of runs) {
    it(`finds nothing with the ${who} key (${phases})`, async () => {
      const key = who === 'admin' ? hookflow.config.adminKey : ownerKey;
      const started = Date.now();
      const { code, output } = await schemathesis(
        binary,
        [
          '--config-file',
          CONFIG_FILE,
          'run',
          `${hookflow.url}/openapi.json`,
          '--header',
          `Authorization: Bearer ${key}`,
          '--phases',
          phases,
          '--max-examples',
          String(MAX_EXAMPLES),
          '--seed',
          String(SEED),
          // One thread: CPython 3.11's parser is not safe across threads (hypothesis parses lambdas' source).
          '--workers',
          '1',
          '--no-color',
          '--report',
          'junit',
          '--report-dir',
          join(reports, `${who}-${phases}`),
        ],
        reports,
      );
      console.log(`[fuzz] ${who} key, ${phases}: schemathesis exited ${code} after ${Date.now() - started} ms`);
      assert.equal(code, 0, `schemathesis found problems with the ${who} key (${phases}):\n${output}`);
    });
  }
});
