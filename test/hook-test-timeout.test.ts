import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** `POST /v1/hooks/:id/test` with no worker on the task queue: a bounded wait, then a 504. */
describe('hook test without a worker', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    // No worker in this process, and the task queue is this file's own: nothing will ever take the test.
    hookflow = await startHookflow({ worker: false, hookTestWait: '1s' });
    receiver = await startReceiver(() => 200);
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  it("answers 504 test_timed_out after the hook's timeout plus the wait, and drops the test", async () => {
    const hook = await hookflow.request('POST', '/v1/hooks', {
      ownerId: (await hookflow.createOwner('Waiting')).id,
      name: 'nobody home',
      events: ['resource.created'],
      target: { type: 'http', url: `${receiver.url}/test` },
      delivery: { timeout: '500ms' },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));

    const started = Date.now();
    // Without a bound the call would hang for good; give up well before the test runner does.
    const answer = await Promise.race([
      hookflow.request('POST', `/v1/hooks/${hook.body.id}/test`, {}),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 20 s')), 20_000).unref()),
    ]);
    const elapsed = Date.now() - started;

    assert.equal(answer.status, 504, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'test_timed_out');
    assert.match(answer.body.error.message, /did not finish within 1500 ms: no worker took it/);
    assert.ok(elapsed >= 1_500, `answered after ${elapsed} ms, before the bound`);

    // The server closed the workflow, so a worker that starts later finds nothing to send.
    const workflow = await hookflow.temporal.workflow.getHandle(answer.body.error.details.workflowId).describe();
    assert.equal(workflow.status.name, 'TIMED_OUT');
    assert.equal(receiver.requests.length, 0);
  });
});
