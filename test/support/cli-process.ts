import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The `bin` of package.json, run as `npx hookflow` would: a child process of its own. */
const BIN = join(__dirname, '..', '..', 'cli', 'hookflow.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `hookflow`: what it has printed so far, and how to stop it as Ctrl-C would. */
export interface RunningCli {
  child: ChildProcess;
  output(): CliRun;
  /** Sends SIGINT and waits for the exit. */
  interrupt(): Promise<CliRun>;
}

/** Starts `hookflow args...` with `env` (and nothing of this process's HOOKFLOW_* variables), `input` on stdin. */
export function startCli(args: string[], env: Record<string, string>, input?: string): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const run: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  const exited = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => {
      run.code = code;
      resolve(run);
    }),
  );
  child.stdin.end(input);
  return {
    child,
    output: () => run,
    interrupt() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Runs `hookflow args...` to its end. */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliRun> {
  const running = startCli(args, env, input);
  return new Promise((resolve) => running.child.on('close', () => resolve(running.output())));
}

/**
 * Runs `hookflow args...` on a terminal of its own (util-linux `script` gives it a pseudo-terminal), for what it
 * draws only there; stdout and stderr come back mixed, as a terminal shows them. Arguments are plain words.
 */
export function runCliOnTerminal(args: string[], env: Record<string, string>): Promise<CliRun> {
  for (const arg of args) if (!/^[\w.:@/-]+$/.test(arg)) throw new Error(`Not a plain word: ${arg}`);
  const child = spawn('script', ['-qfec', [process.execPath, BIN, ...args].join(' '), '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      run.code = code;
      resolve(run);
    }),
  );
}
