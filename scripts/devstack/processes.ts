import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOG_DIR } from './paths';

export interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running child in its own process group, its output in
 * .devstack/logs/<name>.log, and stops the whole group on request: SIGTERM
 * (or the given `stopSignal`), then SIGKILL if it lingers.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  { echo, stopSignal = 'SIGTERM', ...options }: SpawnOptions & { echo?: boolean; stopSignal?: NodeJS.Signals } = {},
): Managed {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (echo) {
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), signal);
        } catch {
          // The group is already gone.
        }
      };
      signalGroup(stopSignal);
      const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!gone) {
        signalGroup('SIGKILL');
        await exited;
      }
      log.end();
    },
  };
}

/** Polls `check` until it resolves, failing with the child's log tail if the child dies or time runs out. */
export async function waitUntil(
  what: string,
  check: () => Promise<unknown>,
  options: { timeoutMs: number; process?: Managed },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const child = options.process?.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${what}: the process exited (${child.exitCode ?? child.signalCode}); see ${options.process?.logFile}`,
      );
    }
    try {
      await check();
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${what} did not become ready within ${options.timeoutMs} ms (${why})`);
    }
    await sleep(200);
  }
}

export function tcpReachable(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Runs a command to completion, inheriting output, and rejects on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

export async function onPath(command: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('sh', ['-c', `command -v ${command}`], (error, stdout) => resolve(error ? undefined : stdout.trim()));
  });
}
