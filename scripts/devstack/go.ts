import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { DEVSTACK_DIR } from './paths';

const GO_DIR = join(DEVSTACK_DIR, 'go');

/**
 * The environment `go` runs in for the project: its module and build caches under .devstack/go, so that a fresh
 * machine fills them from the module proxy and nothing lands in the user's own ~/go.
 */
export function goEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: GO_DIR,
    GOMODCACHE: join(GO_DIR, 'mod'),
    GOCACHE: join(GO_DIR, 'cache'),
  };
}

/** Go source as gofmt prints it: what generated Go must be, for `gofmt -l` to find nothing to change. */
export function gofmt(source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('gofmt', [], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`gofmt refused the generated Go: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin?.end(source);
  });
}
