import { CliError } from './exit-codes.js';
import type { Profile } from './profile-schema.js';
import { profileFilePath, readProfileFile } from './profiles.js';

export interface Connection {
  baseUrl: string;
  apiKey: string;
}

/**
 * Which API and key to use. A profile named with `--profile` (or HOOKFLOW_PROFILE) is used as it is written;
 * otherwise HOOKFLOW_URL and HOOKFLOW_API_KEY, each falling back to the file's default profile. `--api-url`
 * overrides either (the key has no flag: a flag would show in the process list).
 */
export async function resolveConnection(
  options: { profile?: string; apiUrl?: string },
  env: NodeJS.ProcessEnv,
): Promise<Connection> {
  const path = profileFilePath(env);
  const file = await readProfileFile(path);
  const named = options.profile ?? env.HOOKFLOW_PROFILE;
  let chosen: Profile | undefined;
  if (named) {
    chosen = file.profiles[named];
    if (!chosen) throw new CliError(`No profile "${named}" in ${path}`);
  } else {
    const fallback = file.default === undefined ? undefined : file.profiles[file.default];
    chosen = { url: env.HOOKFLOW_URL || fallback?.url, apiKey: env.HOOKFLOW_API_KEY || fallback?.apiKey };
  }
  const baseUrl = options.apiUrl ?? chosen.url;
  if (!baseUrl) throw new CliError(`No API address: set HOOKFLOW_URL, pass --api-url, or add a profile to ${path}`);
  if (!chosen.apiKey) throw new CliError(`No API key: set HOOKFLOW_API_KEY or add a profile to ${path}`);
  return { baseUrl, apiKey: chosen.apiKey };
}
