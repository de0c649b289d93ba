import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { deliveryId, eventKey, idOf, type EventId, type HookId } from '../core/ids';
import { eventWorkflowId } from '../shared/temporal-names';
import type { DeliverDispatchResult } from '../workflows/deliver-dispatch';
import { eventually } from './support/eventually';
import { replaceByCopies } from './support/hook-copies';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';
import { startWorkerProcess } from './support/worker-process';

type Owner = Awaited<ReturnType<Hookflow['createOwner']>>;

/**
 * History events an all-success fan-out may take, every run together, however many hooks it has: one activity
 * call and its closing `markFannedOut` (18 events), plus a workflow task or two more (3 events each) that
 * timing adds: 21 was seen on 2026-12-02, alone and beside the whole suite. A fan-out that went back to a call
 * per page would take over a hundred.
 */
const ALL_SUCCESS_HISTORY_EVENTS = 25;

/**
 * Large fan-outs on the real stack: a worker process killed in the middle of
 * one, and one event to 20,000 hooks with every workflow history read back.
 */
describe('fan-out at scale', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
  });
  after(async () => {
    await hookflow?.stop();
  });

  /** `count` hooks of the owner, as the API creates them (see replaceByCopies). */
  async function createHooks(owner: Owner, count: number, receiverUrl: string): Promise<string[]> {
    const created = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'scale', events: ['note'], target: { type: 'http', url: `${receiverUrl}/h/template` } },
      { key: owner.apiKey },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return replaceByCopies(hookflow.models, created.body.id, count, (id) => `${receiverUrl}/h/${id}`);
  }

  async function postEvent(owner: Owner): Promise<EventId> {
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'note', data: { note: { id: 'n1', text: 'hello' } } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    return idOf('event', posted.body.id as string);
  }

  function eventResult(owner: Owner, eventId: EventId, timeoutMs: number): Promise<DeliverDispatchResult> {
    const result = hookflow.temporal.workflow.getHandle(eventWorkflowId(eventKey(owner.id, eventId))).result();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`event ${eventId} not delivered within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    return Promise.race([result as Promise<DeliverDispatchResult>, timeout]);
  }

  /** Every request, grouped by the hook it was for (the path names the hook). */
  function requestsByHook(requests: ReceivedRequest[]): Map<HookId, ReceivedRequest[]> {
    const byHook = new Map<HookId, ReceivedRequest[]>();
    for (const request of requests) {
      const hookId = idOf('hook', request.path.slice('/h/'.length));
      byHook.set(hookId, [...(byHook.get(hookId) ?? []), request]);
    }
    return byHook;
  }

  it('a worker process killed mid-way through a 1,000-hook fan-out: a new one delivers every hook, a duplicate carries the same webhook-id', async () => {
    // Slow answers stretch the fan-out over seconds, so that the kill lands in the middle of it.
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 150 }));
    let worker = await startWorkerProcess(hookflow.config, 'test-worker-killed');
    try {
      const owner = await hookflow.createOwner('Killed');
      const hookIds = await createHooks(owner, 1_000, receiver.url);
      const eventId = await postEvent(owner);

      await receiver.waitForRequests(300, 60_000);
      const exited = once(worker.child, 'exit');
      worker.child.kill('SIGKILL');
      await exited;
      const sentBeforeKill = receiver.requests.length;
      assert.ok(sentBeforeKill < 1_000, `the kill came mid-way (${sentBeforeKill} requests had arrived)`);

      worker = await startWorkerProcess(hookflow.config, 'test-worker-restarted');
      const result = await eventResult(owner, eventId, 120_000);
      assert.equal(result.deliveries, 1_000);
      assert.equal(result.succeeded + result.alreadyAttempted, 1_000, JSON.stringify(result));

      const byHook = requestsByHook(receiver.requests);
      assert.deepEqual([...byHook.keys()].sort(), [...hookIds].sort(), 'every hook received the event');
      for (const [hookId, requests] of byHook) {
        const ids = new Set(requests.map((request) => request.headers['webhook-id']));
        assert.deepEqual([...ids], [deliveryId(eventId, hookId)], `hook ${hookId}: one webhook-id however often sent`);
      }
      const duplicates = receiver.requests.length - 1_000;
      assert.ok(duplicates <= 400, `at most the two unrecorded slices are sent again (${duplicates} duplicates)`);
      const succeeded = await hookflow.models.Delivery.countDocuments({ eventId, status: 'succeeded' });
      assert.equal(succeeded, 1_000, 'every delivery is on record as succeeded');
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it('a 20,000-hook fan-out completes in at most 25 history events, every run together (histories read back)', async (t) => {
    const receiver = await startReceiver();
    const worker = await startWorkerProcess(hookflow.config, 'test-worker-20k');
    try {
      const owner = await hookflow.createOwner('Twenty');
      let started = Date.now();
      await createHooks(owner, 20_000, receiver.url);
      t.diagnostic(`20,000 hooks created in ${Date.now() - started} ms`);
      started = Date.now();
      const eventId = await postEvent(owner);
      const result = await eventResult(owner, eventId, 270_000);
      t.diagnostic(`delivered to 20,000 hooks in ${Date.now() - started} ms`);
      assert.equal(result.deliveries, 20_000);
      assert.equal(result.succeeded, 20_000, JSON.stringify(result));

      const webhookIds = new Set(receiver.requests.map((request) => request.headers['webhook-id']));
      assert.equal(webhookIds.size, 20_000, 'each hook received its own delivery');

      // Every run of the event's workflow, continued-as-new ones included, as Temporal stored them.
      const runs = await eventually(async () => {
        const found = [];
        for await (const run of hookflow.temporal.workflow.list({
          query: `WorkflowId = "${eventWorkflowId(eventKey(owner.id, eventId))}"`,
        })) {
          found.push(run);
        }
        assert.ok(found.length > 0 && found.every((run) => run.status.name !== 'RUNNING'));
        return found;
      });
      let events = 0;
      for (const run of runs) {
        const history = await hookflow.temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        const ofRun = history.events?.length ?? 0;
        assert.ok(ofRun > 0, `run ${run.runId} has a history`);
        t.diagnostic(`run ${run.runId}: ${ofRun} history events`);
        events += ofRun;
      }
      t.diagnostic(`${events} history events in ${runs.length} run(s)`);
      assert.ok(events <= ALL_SUCCESS_HISTORY_EVENTS, `${events} history events for 20,000 hooks`);
      const retryWorkflows = await hookflow.temporal.workflow.count(
        `WorkflowType = "retryDelivery" AND TaskQueue = "${hookflow.config.temporal.taskQueue}"`,
      );
      assert.equal(retryWorkflows.count, 0, 'an all-success fan-out starts no per-delivery workflow');
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
