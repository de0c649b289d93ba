import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVSTACK_DIR, REPO_ROOT } from '../../scripts/devstack/paths';
import { run } from '../../scripts/devstack/processes';

export const PYTHON_SDK_FOLDER = join(REPO_ROOT, 'sdk', 'python');
const VENV = join(DEVSTACK_DIR, 'python-sdk');

/**
 * A venv under .devstack/ with sdk/python installed editable, with its test extra (pytest); made again when
 * pyproject.toml changes, which a marker holding the file's hash tells. Resolves with the venv's python.
 */
export async function ensurePythonSdkVenv(): Promise<string> {
  const python = join(VENV, 'bin', 'python');
  const marker = join(VENV, '.installed');
  const hash = createHash('sha256')
    .update(readFileSync(join(PYTHON_SDK_FOLDER, 'pyproject.toml')))
    .digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) return python;
  console.log('[devstack] installing the Python SDK and pytest into .devstack/python-sdk (PyPI)...');
  rmSync(VENV, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', VENV]);
  await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--editable', `${PYTHON_SDK_FOLDER}[test]`]);
  writeFileSync(marker, `${hash}\n`);
  return python;
}
