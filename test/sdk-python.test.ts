import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';
import { PYTHON_SDK_FOLDER, ensurePythonSdkVenv } from './support/python-sdk';
import { startReceiver } from './support/receiver';
import { runToEnd, serveReceived } from './support/sdk-suite';

/** The venv's python with `args`, in sdk/python. */
function python(binary: string, args: string[], env: Record<string, string> = {}) {
  return runToEnd(binary, args, { cwd: PYTHON_SDK_FOLDER, env: { ...process.env, ...env } });
}

describe('The Python SDK (sdk/python), by its pytest suite against a real Hookflow', () => {
  let venvPython: string;
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
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
