import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../devstack/paths';
import { run } from '../devstack/processes';

const PORTAL_SOURCE = join(REPO_ROOT, 'portal');
/** Where the API serves it from (api/portal.ts). */
export const PORTAL_BUILD = join(REPO_ROOT, 'dist', 'portal');
/** The digest of the sources the build was made from, written after it. */
const STAMP = join(PORTAL_BUILD, '.source-sha256');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/**
 * What the build depends on: every file under portal/ and the locked dependencies. A digest of their contents,
 * not their times: a checkout or a copy changes times, not what is built (about 30 files, a few ms).
 */
function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(PORTAL_SOURCE), join(REPO_ROOT, 'package-lock.json')]) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Builds the portal with Vite into dist/portal/ (about 3 s). */
export async function buildPortal(): Promise<void> {
  const digest = sourceDigest();
  await run(join(REPO_ROOT, 'node_modules', '.bin', 'vite'), ['build', 'portal', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
  });
  writeFileSync(STAMP, digest);
}

/** Builds the portal when it is missing or was built from other sources; `npm run dev` and `npm test` call it. */
export async function ensurePortalBuilt(log: (line: string) => void): Promise<void> {
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sourceDigest()) return;
  log('building the portal...');
  await buildPortal();
}
