import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVSTACK_DIR } from './paths';

/** A key kept in .devstack/<name>: generated on the first run, then the same one every time. */
function keptKey(name: string, generate: () => string): string {
  const file = join(DEVSTACK_DIR, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(DEVSTACK_DIR, { recursive: true });
  const key = generate();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The dev stack's admin key. */
export const devAdminKey = () => keptKey('admin-key', () => `hf_admin_${randomBytes(24).toString('base64url')}`);

/** The dev stack's master key; losing it makes the stored hook secrets unreadable. */
export const devMasterKey = () => keptKey('master-key', () => randomBytes(32).toString('base64'));
