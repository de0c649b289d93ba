import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';
import { PYTHON_SDK_FOLDER, ensurePythonSdkVenv } from './support/python-sdk';
import { startReceiver } from './support/receiver';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** What the receiver got, as JSON at GET /requests: pytest runs in another process and checks signatures on it. */
async function serveReceived(receiver: Receiver) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(receiver.requests));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs the venv's python with `args` in sdk/python to its end; resolves with its exit code and output. */
function python(
  binary: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: PYTHON_SDK_FOLDER, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('The Python SDK (sdk/python), by its pytest suite against a real Hookflow', () => {
  let venvPython: string;
  let hookflow: Hookflow;
  let receiver: Receiver;
  let received: Awaited<ReturnType<typeof serveReceived>>;

  before(async () => {
    venvPython = await ensurePythonSdkVenv();
    hookflow = await startHookflow();
    receiver = await startReceiver();
    received = await serveReceived(receiver);
  });

  after(async () => {
    await received?.close();
    await receiver?.close();
    await hookflow?.stop();
  });

  it('passes: sync and async clients, pagination, typed errors, retries, idempotency, webhook verification', async () => {
    const { code, output } = await python(venvPython, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      HOOKFLOW_URL: hookflow.url,
      HOOKFLOW_ADMIN_KEY: hookflow.config.adminKey as string,
      HOOKFLOW_RECEIVER_URL: receiver.url,
      HOOKFLOW_RECEIVED_URL: received.url,
    });
    console.log(`[sdk-python] pytest: ${output.trim().split('\n').at(-1)}`);
    assert.equal(code, 0, `pytest failed:\n${output}`);
  });

  it('type-checks, generated part and tests included (mypy --strict)', async () => {
    const cache = join(dirname(venvPython), '..', 'mypy-cache');
    const { code, output } = await python(venvPython, ['-m', 'mypy', `--cache-dir=${cache}`]);
    assert.equal(code, 0, `mypy found problems:\n${output}`);
  });
});
