import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './exit-codes.js';
import type { ProfileFile } from './profile-schema.js';

/** Where the profile file is: $XDG_CONFIG_HOME/hookflow/config.json, ~/.config/... without it. */
export function profileFilePath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hookflow', 'config.json');
}

/** The profile file, or no profiles when there is none; a file that is there but wrong is a usage error. */
export async function readProfileFile(path: string): Promise<ProfileFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not JSON: ${(error as Error).message}`);
  }
  // Loaded only when a file is read: zod is the largest module the CLI loads, and `--help` has no use for it.
  const { profileFile, prettifyError } = await import('./profile-schema.js');
  const parsed = profileFile.safeParse(json);
  if (!parsed.success) throw new CliError(`${path} is not a profile file: ${prettifyError(parsed.error)}`);
  return parsed.data;
}
