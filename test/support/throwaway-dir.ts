import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh directory for a test's own servers. As root, the store's PostgreSQL
 * runs as `nobody` (it refuses root), which must be able to reach its data
 * inside: mkdtemp alone makes the directory private to root.
 */
export function throwawayDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
