import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { temporal as temporalApi } from '@temporalio/proto';
import nodemailer from 'nodemailer';
import { createHttpClient } from '../activities/http/client';
import type { Config } from '../infra/config';
import type { DeliverDispatchInput, DispatchedEvent } from '../shared/dispatch';
import { eventView } from '../core/stored-events';
import {
  deliveryId,
  eventKey,
  idOf,
  newId,
  type DeliveryId,
  type EventId,
  type EventKey,
  type HookId,
} from '../core/ids';
import { bulkTaskQueue, DISPATCH_WORKFLOW, eventWorkflowId } from '../shared/temporal-names';
import { createWorker } from '../worker';
import type { deliverDispatch, DeliverDispatchResult } from '../workflows/deliver-dispatch';
import { replaceByCopies } from './support/hook-copies';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';
import { startWorkerProcess } from './support/worker-process';
import { eventually } from './support/eventually';

const PENDING_ACTIVITY_STATE = temporalApi.api.enums.v1.PendingActivityState;

type Owner = Awaited<ReturnType<Hookflow['createOwner']>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * The dispatch workflow on the test stack's Temporal server, with the real
 * workflows and activities in a worker of the test's own (on its Hookflow's
 * task queue): several events of one owner delivered by one workflow.
 */
describe('dispatch workflow', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
  });
  after(async () => {
    await hookflow?.stop();
  });

  /** Runs `work` while a worker polls the Hookflow's task queues in this process: both, or those `workerQueues` names. */
  async function withWorker<T>(work: () => Promise<T>, workerQueues: Config['workerQueues'] = 'all'): Promise<T> {
    const http = createHttpClient({ allowPrivateTargets: true });
    const mailer = nodemailer.createTransport(hookflow.config.smtpUrl);
    const { worker, connection } = await createWorker(
      { ...hookflow.config, workerQueues },
      { models: hookflow.models, http, secrets: hookflow.secrets, temporal: hookflow.temporal, mailer },
    );
    try {
      return await worker.runUntil(work);
    } finally {
      mailer.close();
      await Promise.all([connection.close(), http.close()]);
    }
  }

  /** A hook of the owner through the API, sending to the receiver under a path that names it. */
  async function createHook(owner: Owner, receiver: Receiver, fields: { events: string[]; resourceTypes?: string[] }) {
    const created = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'dispatch', ...fields, target: { type: 'http', url: `${receiver.url}/h/pending` } },
      { key: owner.apiKey },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await hookflow.models.Hook.updateOne(
      { _id: created.body.id },
      { $set: { 'target.url': `${receiver.url}/h/${created.body.id}` } },
    );
    return idOf('hook', created.body.id as string);
  }

  /** `count` hooks of the owner for `eventType`, each sending under a path that names it. */
  async function createHooks(owner: Owner, receiver: Receiver, eventType: string, count: number) {
    const templateId = await createHook(owner, receiver, { events: [eventType] });
    return replaceByCopies(hookflow.models, templateId, count, (id) => `${receiver.url}/h/${id}`);
  }

  /** Stores events as the API does, without starting their delivery: the test starts their dispatch. */
  async function storeEvents(owner: Owner, events: { type: string; resourceType?: string; data: object }[]) {
    const stored = [];
    for (const event of events) {
      const id = newId('event');
      const created = await hookflow.models.Event.create({
        _id: eventKey(owner.id, id),
        id,
        ownerId: owner.id,
        ...event,
      });
      stored.push(created.toObject());
    }
    return stored;
  }

  /** As the API dispatches a stored event: with its content inline. */
  function withContent(event: Awaited<ReturnType<typeof storeEvents>>[number]): DispatchedEvent {
    return { eventKey: event._id, content: { ...eventView(event), createdAt: event.createdAt.toISOString() } };
  }

  async function runDispatch(temporal: Client, dispatch: DeliverDispatchInput): Promise<DeliverDispatchResult> {
    const first = dispatch.events[0]?.eventKey as EventKey;
    return temporal.workflow.execute<typeof deliverDispatch>(DISPATCH_WORKFLOW, {
      workflowId: eventWorkflowId(first),
      taskQueue: hookflow.config.temporal.taskQueue,
      args: [dispatch],
    });
  }

  /** The webhook-ids each hook received, the path naming the hook. */
  function receivedByHook(requests: readonly ReceivedRequest[]): Map<string, string[]> {
    const byHook = new Map<string, string[]>();
    for (const request of requests) {
      const hookId = request.path.slice('/h/'.length);
      byHook.set(hookId, [...(byHook.get(hookId) ?? []), request.headers['webhook-id'] as string]);
    }
    return byHook;
  }

  it('delivers each event of a dispatch to each hook subscribed to it, once', async () => {
    const receiver = await startReceiver();
    try {
      const owner = await hookflow.createOwner('Dispatcher');
      const followers = [
        await createHook(owner, receiver, { events: ['follow'] }),
        await createHook(owner, receiver, { events: ['follow', 'note'] }),
      ];
      const noteOnly = await createHook(owner, receiver, { events: ['note'] });
      const repoReactions = await createHook(owner, receiver, { events: ['reaction'], resourceTypes: ['repo'] });
      const events = await storeEvents(owner, [
        { type: 'follow', data: { user: { id: 'u1' } } },
        { type: 'note', data: { note: { id: 'n1' } } },
        { type: 'follow', data: { user: { id: 'u2' } } },
        { type: 'reaction', resourceType: 'repo', data: { reaction: '+1' } },
        { type: 'reaction', resourceType: 'issue', data: { reaction: '-1' } },
      ]);
      const [follow1, note, follow2, repoReaction] = events.map((event) => event.id);
      const expected = new Map([
        [followers[0], [follow1, follow2]],
        [followers[1], [follow1, note, follow2]],
        [noteOnly, [note]],
        [repoReactions, [repoReaction]],
      ]);

      const result = await withWorker(() =>
        runDispatch(hookflow.temporal, { ownerId: owner.id, events: events.map(withContent) }),
      );

      const received = receivedByHook(receiver.requests);
      assert.deepEqual(
        [...received.keys()].sort(),
        [...expected.keys()].sort(),
        'only the subscribed hooks hear of it',
      );
      for (const [hookId, eventIds] of expected) {
        assert.deepEqual(
          received.get(hookId as string)?.sort(),
          eventIds.map((id) => deliveryId(id as EventId, hookId as HookId)).sort(),
          `hook ${hookId} receives each of its events once`,
        );
      }
      const body = JSON.parse(receiver.requests.find((r) => r.path === `/h/${noteOnly}`)?.body ?? '{}');
      assert.deepEqual(body.data, { note: { id: 'n1' } }, 'the event content arrives as stored');
      assert.deepEqual(result, {
        deliveries: 7,
        succeeded: 7,
        failed: 0,
        parked: 0,
        paced: 0,
        retrying: 0,
        alreadyAttempted: 0,
      });
      const recorded = await hookflow.models.Delivery.countDocuments({ ownerId: owner.id, status: 'succeeded' });
      assert.equal(recorded, 7, 'every delivery is on record');
    } finally {
      await receiver.close();
    }
  });

  it('an event with more hooks than the first slice carries on, and the events after it are still delivered', async () => {
    const receiver = await startReceiver();
    try {
      const owner = await hookflow.createOwner('Wide');
      // Past both the local call's 200 deliveries and the next call's 1,000: each wide event carries on.
      const wideHooks = await createHooks(owner, receiver, 'note', 1_300);
      const narrowHook = await createHook(owner, receiver, { events: ['follow'] });
      const [wide, narrow, wideAgain] = await storeEvents(owner, [
        { type: 'note', data: { note: { id: 'wide' } } },
        { type: 'follow', data: { user: { id: 'u1' } } },
        { type: 'note', data: { note: { id: 'wide-again' } } },
      ]);
      assert.ok(wide && narrow && wideAgain);

      const result = await withWorker(() =>
        runDispatch(hookflow.temporal, { ownerId: owner.id, events: [wide, narrow, wideAgain].map(withContent) }),
      );

      assert.equal(result.deliveries, 2_601);
      assert.equal(result.succeeded, 2_601, JSON.stringify(result));
      const received = receivedByHook(receiver.requests);
      assert.deepEqual(received.get(narrowHook), [deliveryId(narrow.id, narrowHook)]);
      for (const hookId of wideHooks) {
        assert.deepEqual(
          received.get(hookId)?.sort(),
          [deliveryId(wide.id, hookId), deliveryId(wideAgain.id, hookId)].sort(),
          `hook ${hookId} receives both wide events once`,
        );
      }
      assert.equal(receiver.requests.length, 2_601, 'nothing is sent twice');

      // The two wide events' remaining hooks went through the bulk task queue, one call at a time.
      const history = await hookflow.temporal.workflow.getHandle(eventWorkflowId(wide._id)).fetchHistory();
      const events = history.events ?? [];
      const bulkCalls = events.flatMap((event) => {
        const scheduled = event.activityTaskScheduledEventAttributes;
        return scheduled?.activityType?.name === 'deliverToSubscribers' ? [{ id: event.eventId, scheduled }] : [];
      });
      assert.equal(bulkCalls.length, 2);
      for (const { scheduled } of bulkCalls) {
        assert.equal(scheduled.taskQueue?.name, bulkTaskQueue(hookflow.config.temporal.taskQueue));
      }
      const timeOf = (event: (typeof events)[number]) =>
        Number(event.eventTime?.seconds) * 1e3 + (event.eventTime?.nanos ?? 0) / 1e6;
      const startedAt = bulkCalls.map(({ id }) =>
        timeOf(events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(id)) ?? {}),
      );
      const completedAt = bulkCalls.map(({ id }) =>
        timeOf(
          events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(id)) ?? {},
        ),
      );
      const [firstStart = 0, secondStart = 0] = startedAt;
      const [firstEnd = 0, secondEnd = 0] = completedAt;
      assert.ok(
        firstStart <= secondStart ? secondStart >= firstEnd : firstStart >= secondEnd,
        'the later call started once the earlier had completed',
      );
    } finally {
      await receiver.close();
    }
  });

  it("leaves a wide event's remaining hooks to a worker serving the bulk queue, as the dev stack runs one apart", async () => {
    const receiver = await startReceiver();
    try {
      const owner = await hookflow.createOwner('Split');
      await createHooks(owner, receiver, 'note', 250);
      const [wide] = await storeEvents(owner, [{ type: 'note', data: { note: { id: 'split' } } }]);
      assert.ok(wide);
      const handle = await withWorker(async () => {
        const started = await hookflow.temporal.workflow.start<typeof deliverDispatch>(DISPATCH_WORKFLOW, {
          workflowId: eventWorkflowId(wide._id),
          taskQueue: hookflow.config.temporal.taskQueue,
          args: [{ ownerId: owner.id, events: [withContent(wide)] }],
        });
        await eventually(async () => assert.equal((await started.describe()).raw.pendingActivities?.length, 1));
        await sleep(1_000);
        const [remaining] = (await started.describe()).raw.pendingActivities ?? [];
        assert.equal(
          remaining?.state,
          PENDING_ACTIVITY_STATE.PENDING_ACTIVITY_STATE_SCHEDULED,
          'no main worker took it',
        );
        assert.equal(receiver.requests.length, 200, 'the first slice, from the main worker');
        return started;
      }, 'main');
      const result = await withWorker(() => withWorker(() => handle.result(), 'bulk'), 'main');
      assert.equal(result.succeeded, 250, JSON.stringify(result));
      assert.equal(receiver.requests.length, 250, 'nothing is sent twice');
    } finally {
      await receiver.close();
    }
  });

  it('an event stored too large to travel in the workflow input is read by key, and delivered whole', async () => {
    const receiver = await startReceiver();
    try {
      const owner = await hookflow.createOwner('Large');
      const hookId = await createHook(owner, receiver, { events: ['note'] });
      const large = { note: { id: 'large', text: 'x'.repeat(20_000) } };
      const small = { note: { id: 'small', text: 'hello' } };

      const [largeResult, smallResult] = await withWorker(async () => {
        const deliveredWith = async (data: object) => {
          const posted = await hookflow.request('POST', '/v1/events', { type: 'note', data }, { key: owner.apiKey });
          assert.equal(posted.status, 202, JSON.stringify(posted.body));
          const handle = hookflow.temporal.workflow.getHandle(eventWorkflowId(eventKey(owner.id, posted.body.id)));
          await handle.result();
          const history = await handle.fetchHistory();
          const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
          return {
            id: idOf('event', posted.body.id as string),
            input: JSON.parse(Buffer.from(input ?? []).toString('utf8')),
          };
        };
        return [await deliveredWith(large), await deliveredWith(small)];
      });

      // Its dispatch and its place in acceptance order travel too (ordered hooks), never its content.
      const { dispatchId, events } = largeResult.input as { dispatchId: string; events: Record<string, unknown>[] };
      assert.match(dispatchId, /^dsp_/);
      assert.deepEqual(Object.keys(largeResult.input).sort(), ['dispatchId', 'events', 'ownerId']);
      assert.equal(largeResult.input.ownerId, owner.id);
      assert.deepEqual(Object.keys(events[0] ?? {}).sort(), ['eventKey', 'sequence'], 'the large event travels by key');
      assert.equal(events[0]?.eventKey, eventKey(owner.id, largeResult.id));
      assert.deepEqual(smallResult.input.events[0].content.data, small, 'a small one travels with its content');
      const bodies = new Map(receiver.requests.map((r) => [r.headers['webhook-id'], JSON.parse(r.body)]));
      assert.deepEqual(bodies.get(deliveryId(largeResult.id, hookId))?.data, large, 'the large event arrives whole');
      assert.deepEqual(bodies.get(deliveryId(smallResult.id, hookId))?.data, small);
    } finally {
      await receiver.close();
    }
  });

  it('a worker process killed mid-dispatch: a new one delivers the rest, and re-sends nothing that was on record', async () => {
    // Slow answers stretch each first slice (200 sends, 50 at a time) over a second, so that the kill lands
    // while one is being sent, well before it is recorded.
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 250 }));
    let worker = await startWorkerProcess(hookflow.config, 'test-worker-dispatch-killed');
    try {
      const owner = await hookflow.createOwner('Killed');
      const hookIds = await createHooks(owner, receiver, 'note', 300);
      const events = await storeEvents(
        owner,
        ['a', 'b', 'c'].map((id) => ({ type: 'note', data: { note: { id } } })),
      );
      const dispatch = { ownerId: owner.id, events: events.map(withContent) };
      const handle = await hookflow.temporal.workflow.start<typeof deliverDispatch>(DISPATCH_WORKFLOW, {
        workflowId: eventWorkflowId(dispatch.events[0]?.eventKey as EventKey),
        taskQueue: hookflow.config.temporal.taskQueue,
        args: [dispatch],
      });

      await receiver.waitForRequests(250, 60_000);
      const exited = once(worker.child, 'exit');
      worker.child.kill('SIGKILL');
      await exited;
      const onRecordAtKill = new Set(
        (await hookflow.models.Delivery.find({ ownerId: owner.id }, { _id: 1 }).lean()).map((d) => d._id),
      );
      assert.ok(onRecordAtKill.size > 0 && onRecordAtKill.size < 900, `killed mid-way (${onRecordAtKill.size})`);
      const sentByTheKilledWorker = receiver.requests.length;

      worker = await startWorkerProcess(hookflow.config, 'test-worker-dispatch-restarted');
      const result: DeliverDispatchResult = await handle.result();

      const resent = receiver.requests
        .slice(sentByTheKilledWorker)
        .map((request) => request.headers['webhook-id'] as DeliveryId)
        .filter((id) => onRecordAtKill.has(id));
      assert.deepEqual(resent, [], 'no delivery on record is sent again');
      assert.equal(result.deliveries, 900, JSON.stringify(result));
      const received = receivedByHook(receiver.requests);
      for (const hookId of hookIds) {
        assert.deepEqual(
          [...new Set(received.get(hookId))].sort(),
          events.map((event) => deliveryId(event.id, hookId)).sort(),
          `hook ${hookId} receives each event, under one webhook-id each`,
        );
      }
      const succeeded = await hookflow.models.Delivery.countDocuments({ ownerId: owner.id, status: 'succeeded' });
      assert.equal(succeeded, 900, 'every delivery is on record as succeeded');
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
