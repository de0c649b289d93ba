import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { idOf } from '../core/ids';
import { deliveryWorkflowId } from '../shared/temporal-names';
import { freePort } from '../scripts/devstack/ports';
import type { Managed } from '../scripts/devstack/processes';
import { startTemporal } from '../scripts/devstack/temporal';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';
import { startWorkerProcess } from './support/worker-process';

/**
 * A delivery waiting on its retry timer while everything around it goes down:
 * the worker process is killed and the Temporal server restarted (a server of
 * this test's own, on its own SQLite file, so that other tests keep theirs).
 */
describe('durability (short per-hook schedule)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookflow-durability-'));
  const dbFile = join(dataDir, 'temporal.sqlite');
  let ports: { port: number; uiPort: number };
  let temporal: Managed | undefined;
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let answer = 500;

  const startServer = () => startTemporal({ ...ports, dbFile, name: 'test-temporal-restarted' });

  before(async () => {
    ports = { port: await freePort(), uiPort: await freePort() };
    temporal = await startServer();
    hookflow = await startHookflow({ worker: false, temporalAddress: `127.0.0.1:${ports.port}` });
    receiver = await startReceiver(() => answer);
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a retry survives a worker kill and a Temporal server restart in the middle of its schedule', async () => {
    let worker = await startWorkerProcess(hookflow.config, 'test-worker-before-restart');
    const owner = await hookflow.createOwner('Durable');
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });
    const hook = await as('POST', '/v1/hooks', {
      name: 'durable',
      events: ['follow'],
      target: { type: 'http', url: `${receiver.url}/durable` },
      delivery: { retrySchedule: ['8s'] },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const posted = await as('POST', '/v1/events', { type: 'follow', data: { user: { id: 'u1' } } });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const deliveryId = await eventually(async () => {
      const listed = await as('GET', `/v1/deliveries?hookId=${hook.body.id}`);
      assert.equal(listed.body.data[0]?.status, 'retrying');
      return idOf('delivery', listed.body.data[0].id as string);
    });
    // The retry is in its schedule once its workflow waits on the timer.
    await eventually(async () => {
      const retry = await hookflow.temporal.workflow.getHandle(deliveryWorkflowId(deliveryId)).describe();
      assert.equal(retry.status.name, 'RUNNING');
    });

    // Everything goes down while the retry waits on its timer.
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGKILL');
    await exited;
    await temporal?.stop();
    answer = 200;
    temporal = await startServer();
    worker = await startWorkerProcess(hookflow.config, 'test-worker-after-restart');
    try {
      const delivered = await eventually(async () => {
        const read = await as('GET', `/v1/deliveries/${deliveryId}`);
        assert.equal(read.body.status, 'succeeded', JSON.stringify(read.body));
        return read.body;
      }, 30_000);
      assert.deepEqual(
        delivered.attempts.map((a: { statusCode: number }) => a.statusCode),
        [500, 200],
      );
      const [first, second] = receiver.requests;
      assert.ok(first && second && receiver.requests.length === 2);
      assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
      // 8 s less the 20 % jitter: the timer kept its place across the restart rather than firing early.
      assert.ok(second.receivedAt - first.receivedAt >= 6_400, `waited ${second.receivedAt - first.receivedAt} ms`);
    } finally {
      await worker.stop();
    }
  });
});
