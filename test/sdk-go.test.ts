import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goEnvironment } from '../scripts/devstack/go';
import { REPO_ROOT } from '../scripts/devstack/paths';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

const GO_SDK_FOLDER = join(REPO_ROOT, 'sdk', 'go');

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** What the receiver got, as JSON at GET /requests: go test runs in another process and checks signatures on it. */
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

/**
 * Runs `go <args>` in sdk/go to its end, with the module and build caches under .devstack/go (a fresh machine
 * fills them from the module proxy); resolves with its exit code and output.
 */
function go(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd: GO_SDK_FOLDER, env: { ...goEnvironment(), ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('The Go SDK (sdk/go), by its go tests against a real Hookflow', () => {
  let hookflow: Hookflow;
  let receiver: Receiver;
  let received: Awaited<ReturnType<typeof serveReceived>>;

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    received = await serveReceived(receiver);
  });

  after(async () => {
    await received?.close();
    await receiver?.close();
    await hookflow?.stop();
  });

  it('passes: delivery and webhook verification, pagination, typed errors, retries behind a flaky proxy', async () => {
    // -count=1: the tests talk to this run's stack, whose results go test must not take from its cache.
    const { code, output } = await go(['test', '-count=1', '-v', './...'], {
      HOOKFLOW_URL: hookflow.url,
      HOOKFLOW_ADMIN_KEY: hookflow.config.adminKey as string,
      HOOKFLOW_RECEIVER_URL: receiver.url,
      HOOKFLOW_RECEIVED_URL: received.url,
    });
    const passed = output.split('\n').filter((line) => line.startsWith('--- PASS')).length;
    console.log(`[sdk-go] go test: ${passed} passed; ${output.trim().split('\n').at(-1)}`);
    assert.equal(code, 0, `go test failed:\n${output}`);
  });

  it('is vetted and gofmt-clean (go vet, gofmt -l)', async () => {
    const vet = await go(['vet', './...']);
    assert.equal(vet.code, 0, `go vet found problems:\n${vet.output}`);
    const unformatted = await new Promise<string>((resolve, reject) => {
      const child = spawn('gofmt', ['-l', '.'], { cwd: GO_SDK_FOLDER });
      let listed = '';
      child.stdout.on('data', (chunk: Buffer) => (listed += chunk.toString()));
      child.once('error', reject);
      child.once('exit', () => resolve(listed.trim()));
    });
    assert.equal(unformatted, '', 'files gofmt would change');
  });
});
