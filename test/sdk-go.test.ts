import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goEnvironment } from '../scripts/devstack/go';
import { REPO_ROOT } from '../scripts/devstack/paths';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';
import { runToEnd, serveReceived } from './support/sdk-suite';

const GO_SDK_FOLDER = join(REPO_ROOT, 'sdk', 'go');

/** `go <args>` in sdk/go, with the module and build caches under .devstack/go (a fresh machine fills them). */
function go(args: string[], env: Record<string, string> = {}) {
  return runToEnd('go', args, { cwd: GO_SDK_FOLDER, env: { ...goEnvironment(), ...env } });
}

describe('The Go SDK (sdk/go), by its go tests against a real Hookflow', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
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
    const unformatted = await runToEnd('gofmt', ['-l', '.'], { cwd: GO_SDK_FOLDER });
    assert.equal(unformatted.output.trim(), '', 'files gofmt would change');
  });
});
