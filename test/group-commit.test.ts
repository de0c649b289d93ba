import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi } from '../api/main';
import { createdHourOf } from '../core/created-hour';
import { INLINE_CONTENT_LIMIT } from '../shared/dispatch';
import { ORPHANED_AFTER_MS, recoverPendingDispatches } from '../services/dispatches';
import { eventKey, idOf, type DispatchId, type OwnerId } from '../core/ids';
import { createLogger } from '../infra/logger';
import { dispatchWorkflowId, eventWorkflowId } from '../shared/temporal-names';
import { startDispatchRecorder } from './support/dispatch-recorder';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';

describe('group commit of posted events', () => {
  let hookflow: Hookflow;
  let recorder: Awaited<ReturnType<typeof startDispatchRecorder>>;
  let owner: { id: OwnerId; apiKey: string };

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    recorder = await startDispatchRecorder(hookflow.config);
    owner = await hookflow.createOwner('Grouped');
  });
  after(async () => {
    await recorder?.stop();
    await hookflow?.stop();
  });

  const asOwner = (method: string, path: string, body?: unknown, baseUrl?: string) =>
    hookflow.request(method, path, body, { key: owner.apiKey, baseUrl });
  const keyOf = (id: string) => eventKey(owner.id, idOf('event', id));
  /** The dispatches recorded that hold the event: each event must be in exactly one. */
  const dispatchesOf = (id: string) =>
    recorder.recorded.filter((d) => d.input.events.some((e) => e.eventKey === keyOf(id)));
  async function workflowIdsListing(id: string): Promise<string[]> {
    const ids = [];
    for await (const run of hookflow.temporal.workflow.list({ query: `EventIds = "${keyOf(id)}"` })) {
      ids.push(run.workflowId);
    }
    return ids;
  }

  it('at low load, starts one workflow per event named after it, with its content inline', async () => {
    const posted = await asOwner('POST', '/v1/events', {
      id: `alone-${Date.now()}`,
      type: 'reaction',
      data: { user: { id: 'u1' } },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const [dispatch] = await eventually(() => {
      const found = dispatchesOf(posted.body.id);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(dispatch?.workflowId, eventWorkflowId(keyOf(posted.body.id)));
    // Its place in acceptance order and its dispatch travel with it, for ordered hooks.
    const [event] = dispatch?.input.events ?? [];
    assert.ok(event?.sequence && event.sequence > 0, JSON.stringify(dispatch?.input));
    assert.deepEqual(dispatch?.input, {
      ownerId: owner.id,
      dispatchId: dispatch?.input.dispatchId,
      events: [{ eventKey: keyOf(posted.body.id), sequence: event.sequence, content: { ...posted.body } }],
    });
    assert.match(dispatch?.input.dispatchId ?? '', /^dsp_/);
    assert.deepEqual(await eventually(() => workflowIdsListing(posted.body.id).then(nonEmpty)), [dispatch?.workflowId]);
  });

  it('delivers 50 concurrent posts of one owner once each, in fewer workflows, each findable by EventIds', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `burst-${Date.now()}-${i}`);
    const answers = await Promise.all(
      ids.map((id, i) => asOwner('POST', '/v1/events', { id, type: 'reaction', data: { n: i } })),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      ids.map(() => 202),
    );
    await eventually(() => ids.forEach((id) => assert.equal(dispatchesOf(id).length, 1, `${id} delivered once`)));
    const workflowIds = new Set(ids.map((id) => dispatchesOf(id)[0]?.workflowId));
    assert.ok(workflowIds.size < ids.length, `${workflowIds.size} workflows for ${ids.length} events`);
    const stored = await hookflow.models.Event.find({ _id: { $in: ids.map(keyOf) } }).lean();
    assert.equal(stored.length, ids.length);
    const hours = await hookflow.models.Event.find({ _id: { $in: ids.map(keyOf) } }, { createdHour: 1, createdAt: 1 })
      .lean<{ createdHour?: string; createdAt: Date }[]>()
      .exec();
    for (const event of hours) {
      assert.equal(event.createdHour, createdHourOf(event.createdAt), 'stored with the hour retention deletes by');
    }
    for (const id of ids) {
      const listed = await eventually(() => workflowIdsListing(id).then(nonEmpty));
      assert.deepEqual(listed, [dispatchesOf(id)[0]?.workflowId], `the Web UI finds the workflow of ${id}`);
    }
  });

  it("shares workflows among a producer's posts sent one after another, and leaves no dispatch pending", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `steady-${Date.now()}-${i}`);
    for (const id of ids) {
      const posted = await asOwner('POST', '/v1/events', { id, type: 'reaction', data: {} });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
    }
    await eventually(() => ids.forEach((id) => assert.equal(dispatchesOf(id).length, 1, `${id} delivered once`)));
    const workflowIds = new Set(ids.map((id) => dispatchesOf(id)[0]?.workflowId));
    assert.ok(workflowIds.size < ids.length / 2, `${workflowIds.size} workflows for ${ids.length} events`);
    for (const id of ids) {
      const listed = await eventually(() => workflowIdsListing(id).then(nonEmpty));
      assert.deepEqual(listed, [dispatchesOf(id)[0]?.workflowId], `the Web UI finds the workflow of ${id}`);
    }
    await eventually(async () => assert.equal(await hookflow.models.PendingDispatch.countDocuments(), 0));
  });

  it('starts a workflow for every post, named after its event, with HOOKFLOW_DISPATCH_INTERVAL=0ms', async () => {
    const unbatched = await startApi(
      { ...hookflow.config, dispatchInterval: '0ms' },
      createLogger('warn', 'unbatched'),
    );
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `unbatched-${Date.now()}-${i}`);
      for (const id of ids) {
        const posted = await asOwner('POST', '/v1/events', { id, type: 'reaction', data: {} }, unbatched.url);
        assert.equal(posted.status, 202, JSON.stringify(posted.body));
      }
      await eventually(() => ids.forEach((id) => assert.equal(dispatchesOf(id).length, 1, `${id} delivered once`)));
      assert.deepEqual(
        ids.map((id) => dispatchesOf(id)[0]?.workflowId),
        ids.map((id) => eventWorkflowId(keyOf(id))),
      );
    } finally {
      await unbatched.close();
    }
  });

  it('starts the open dispatch of an API process that shuts down, before it has stopped', async () => {
    const other = await startApi(hookflow.config, createLogger('warn', 'closing-api'));
    const post = (id: string) =>
      asOwner('POST', '/v1/events', { id, type: 'reaction', data: {} }, other.url).then((answer) => answer.status);
    const ids = Array.from({ length: 5 }, (_, i) => `closing-${Date.now()}-${i}`);
    // The first is committed at once; the others, posted right after it, fill an open dispatch (100 ms).
    assert.equal(await post(ids[0] as string), 202);
    assert.deepEqual(await Promise.all(ids.slice(1).map(post)), [202, 202, 202, 202]);
    await other.close();
    assert.equal(await hookflow.models.PendingDispatch.countDocuments({ ownerId: owner.id }), 0, 'none left pending');
    await eventually(() => ids.forEach((id) => assert.equal(dispatchesOf(id).length, 1, `${id} delivered once`)));
  });

  /** What an API process that died with a dispatch open leaves: its pending record, old, and its events. */
  async function orphanedDispatch(name: string) {
    const dispatchId = idOf('dispatch', `dsp_${name}${Date.now()}`);
    const ids = [`${name}-${Date.now()}-1`, `${name}-${Date.now()}-2`];
    await hookflow.models.PendingDispatch.collection.insertOne({
      _id: dispatchId as never,
      ownerId: owner.id,
      createdAt: new Date(Date.now() - ORPHANED_AFTER_MS - 1_000),
    });
    await hookflow.models.Event.insertMany(
      ids.map((id) => ({ _id: keyOf(id), id, type: 'reaction', ownerId: owner.id, data: { id }, dispatchId })),
    );
    return { dispatchId, ids };
  }

  it('starts a dispatch whose API process died while it was open, once, with every event it stored', async () => {
    const { dispatchId, ids } = await orphanedDispatch('orphan');
    const deps = {
      models: hookflow.models,
      temporal: hookflow.temporal,
      taskQueue: hookflow.config.temporal.taskQueue,
    };
    assert.ok((await recoverPendingDispatches(deps)) >= 1);
    const dispatch = await eventually(() => nonEmpty(dispatchesOf(ids[0] as string))[0]);
    assert.equal(dispatch?.workflowId, dispatchWorkflowId(dispatchId));
    assert.deepEqual(
      dispatch?.input.events.map((e) => e.eventKey),
      ids.map(keyOf),
    );
    assert.equal(await hookflow.models.PendingDispatch.countDocuments({ _id: dispatchId }), 0);
    assert.equal(await recoverPendingDispatches(deps), 0, 'nothing left to recover');
  });

  it('starts an orphaned open dispatch when a producer retries one of its events', async () => {
    const { dispatchId, ids } = await orphanedDispatch('retried');
    const retried = await asOwner('POST', '/v1/events', { id: ids[1], type: 'reaction', data: { id: ids[1] } });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const dispatch = await eventually(() => nonEmpty(dispatchesOf(ids[0] as string))[0]);
    assert.equal(dispatch?.workflowId, dispatchWorkflowId(dispatchId));
    assert.deepEqual(
      dispatch?.input.events.map((e) => e.eventKey),
      ids.map(keyOf),
    );
  });

  it('stores a batch with one insert and starts one dispatch for it', async () => {
    const ids = ['a', 'b', 'c'].map((letter) => `batch-${Date.now()}-${letter}`);
    const posted = await asOwner('POST', '/v1/events/batch', {
      messageId: `msg-${Date.now()}`,
      events: ids.map((id) => ({ id, type: 'reaction', data: {} })),
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const stored = await hookflow.models.Event.find({ _id: { $in: ids.map(keyOf) } }).lean();
    const dispatchIds = new Set(stored.map((event) => event.dispatchId));
    assert.equal(dispatchIds.size, 1);
    const [dispatchId] = dispatchIds;
    const dispatch = await eventually(() => {
      const [found, ...others] = dispatchesOf(ids[0] as string);
      assert.ok(found && others.length === 0);
      return found;
    });
    assert.equal(dispatch.workflowId, dispatchWorkflowId(dispatchId as DispatchId));
    assert.deepEqual(
      dispatch.input.events.map((e) => e.eventKey),
      ids.map(keyOf),
    );
  });

  it('accepts a batch of 100 events with the longest ids, in dispatches whose EventIds Temporal takes', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}-${'z'.repeat(124)}`);
    const posted = await asOwner('POST', '/v1/events/batch', {
      messageId: `long-${Date.now()}`,
      events: ids.map((id) => ({ id, type: 'reaction', data: {} })),
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    await eventually(() => ids.forEach((id) => assert.equal(dispatchesOf(id).length, 1, `${id} delivered once`)));
  });

  it('sends an event larger than the inline limit by key only', async () => {
    const posted = await asOwner('POST', '/v1/events', {
      id: `large-${Date.now()}`,
      type: 'reaction',
      data: { text: 'x'.repeat(INLINE_CONTENT_LIMIT) },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const [dispatch] = await eventually(() => nonEmpty(dispatchesOf(posted.body.id)));
    assert.deepEqual(
      dispatch?.input.events.map(({ eventKey, content }) => ({ eventKey, content })),
      [{ eventKey: keyOf(posted.body.id), content: undefined }],
      'by key only',
    );
  });

  it('answers a retried post 200 and starts the dispatch its first post stored but never started', async () => {
    // What a crash between the insert and the workflow start leaves: two events naming a dispatch, no workflow.
    const dispatchId = idOf('dispatch', `dsp_crashed${Date.now()}`);
    const ids = [`crashed-${Date.now()}-1`, `crashed-${Date.now()}-2`];
    await hookflow.models.Event.insertMany(
      ids.map((id) => ({ _id: keyOf(id), id, type: 'reaction', ownerId: owner.id, data: { id }, dispatchId })),
    );
    const retried = await asOwner('POST', '/v1/events', { id: ids[1], type: 'reaction', data: { id: ids[1] } });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const dispatch = await eventually(() => {
      const [found] = dispatchesOf(ids[0] as string);
      assert.ok(found);
      return found;
    });
    assert.equal(dispatch.workflowId, dispatchWorkflowId(dispatchId));
    assert.deepEqual(dispatch.input.events.map((e) => e.eventKey).sort(), ids.map(keyOf).sort());

    const again = await asOwner('POST', '/v1/events', { id: ids[0], type: 'reaction', data: { id: ids[0] } });
    assert.equal(again.status, 200);
    const runs = [];
    for await (const run of hookflow.temporal.workflow.list({ query: `WorkflowId = "${dispatch.workflowId}"` })) {
      runs.push(run);
    }
    assert.equal(runs.length, 1, 'REJECT_DUPLICATE keeps the dispatch to one workflow');
    assert.equal(dispatchesOf(ids[0] as string).length, 1);
  });

  it('refuses the same id with other content (409) and starts nothing for it', async () => {
    const id = `conflict-${Date.now()}`;
    const first = await asOwner('POST', '/v1/events', { id, type: 'reaction', data: { v: 1 } });
    assert.equal(first.status, 202);
    const other = await asOwner('POST', '/v1/events', { id, type: 'reaction', data: { v: 2 } });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'conflict');
    await eventually(() => assert.equal(dispatchesOf(id).length, 1));
    assert.deepEqual(dispatchesOf(id)[0]?.input.events[0]?.content?.data, { v: 1 });
    // The refused post's dispatch stored nothing: it is not left on record as under way, for lanes to read.
    const underWay = await hookflow.models.FanOutPending.find({ ownerId: owner.id }).lean();
    for (const { _id: dispatchId } of underWay) {
      assert.ok(await hookflow.models.Event.exists({ dispatchId }), `${dispatchId} is under way with no event`);
    }
  });
});

function nonEmpty<T>(items: T[]): T[] {
  assert.ok(items.length > 0);
  return items;
}
