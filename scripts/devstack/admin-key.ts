import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVSTACK_DIR } from './paths';

const KEY_FILE = join(DEVSTACK_DIR, 'admin-key');

/** The dev stack's admin key: generated on the first run, then the same one every time. */
export function devAdminKey(): string {
  if (existsSync(KEY_FILE)) return readFileSync(KEY_FILE, 'utf8').trim();
  mkdirSync(DEVSTACK_DIR, { recursive: true });
  const key = `hf_admin_${randomBytes(24).toString('base64url')}`;
  writeFileSync(KEY_FILE, `${key}\n`, { mode: 0o600 });
  return key;
}
