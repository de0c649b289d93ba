import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes';
import { DEVSTACK_DIR, VERSIONS } from './paths';

const VENV_DIR = join(DEVSTACK_DIR, `schemathesis-${VERSIONS.schemathesis}`);
const BINARY = join(VENV_DIR, 'bin', 'schemathesis');
/** Written last: a venv without it is an install that was cut short, and is redone. */
const INSTALLED = join(VENV_DIR, '.installed');

/**
 * The schemathesis CLI, installed once from PyPI into a venv under
 * .devstack/ (as the Temporal CLI is) and reused by later runs.
 */
export async function ensureSchemathesis(): Promise<string> {
  if (existsSync(INSTALLED)) return BINARY;
  console.log(`[devstack] installing schemathesis ${VERSIONS.schemathesis} from PyPI...`);
  rmSync(VENV_DIR, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', VENV_DIR]);
  await run(join(VENV_DIR, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${VERSIONS.schemathesis}`]);
  writeFileSync(INSTALLED, `schemathesis==${VERSIONS.schemathesis}\n`);
  return BINARY;
}
