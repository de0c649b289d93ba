import { existsSync } from 'node:fs';
import { run } from './processes';

/** Debian's Chromium, which the portal's browser tests drive through playwright-core (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Installs Debian's `chromium` package when it is missing, as the dev stack installs its services (about 1 min,
 * 100 MB, once). apt-get needs root; elsewhere, say what to install.
 */
export async function ensureChromium(log: (line: string) => void): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0)
    throw new Error(`the browser tests need ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
  log('installing Chromium (apt-get install chromium)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env });
  // A machine whose package lists were never fetched has no chromium to install yet.
  await install().catch(async () => {
    await run('apt-get', ['update'], { env });
    await install();
  });
  return CHROMIUM;
}
