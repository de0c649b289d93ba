import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventKey, idOf, type OwnerId } from '../core/ids';
import { dispatchWorkflowId, eventWorkflowId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';
import type { deliverDispatch } from '../workflows/deliver-dispatch';

/**
 * Hook filters and dashed patterns on the real stack: a batch of events is
 * one dispatch, whose workflow has ended once every delivery it makes is
 * recorded; then each hook must have exactly the events its filter (or its
 * pattern) takes, the others no request and no delivery record.
 */
describe('hook filters and patterns, delivered', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  /** A new owner, so that each test sees only its own hooks and events. */
  async function owner(name: string) {
    const { id, apiKey } = await hookflow.createOwner(name);
    const as = (method: string, path: string, body?: unknown) => hookflow.request(method, path, body, { key: apiKey });
    async function hook(path: string, events: string[], extra: Record<string, unknown> = {}) {
      const created = await as('POST', '/v1/hooks', {
        name: path,
        events,
        target: { type: 'http', url: `${receiver.url}${path}` },
        ...extra,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id as string;
    }
    /**
     * Posts the events as one batch, one dispatch, and waits for its workflow to end (a dispatch of one event
     * runs as that event's workflow).
     */
    async function deliver(events: (Record<string, unknown> & { id: string })[]) {
      const posted = await as('POST', '/v1/events/batch', { messageId: `batch-${events[0]?.id}`, events });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      const first = idOf('event', events[0]?.id ?? '');
      const stored = await hookflow.mongo.collection('events').findOne({ ownerId: id, id: first });
      assert.ok(stored?.dispatchId, 'a batch is a dispatch');
      const workflowId =
        events.length > 1
          ? dispatchWorkflowId(idOf('dispatch', stored.dispatchId as string))
          : eventWorkflowId(eventKey(id, first));
      return hookflow.temporal.workflow.getHandle<typeof deliverDispatch>(workflowId).result();
    }
    return { id: id as OwnerId, as, hook, deliver };
  }

  /** The `data.n` of each request a path received, sorted. */
  const numbersAt = (path: string) =>
    receiver.requests
      .filter((request) => request.path === path)
      .map((request) => (JSON.parse(request.body) as { data: { n: number } }).data.n)
      .sort((a, b) => a - b);

  /** The events each hook has a delivery record of, by `data.n`. */
  async function recordedFor(ownerId: OwnerId, hookId: string) {
    const deliveries = await hookflow.mongo.collection('deliveries').find({ ownerId, hookId }).toArray();
    const events = await hookflow.mongo
      .collection('events')
      .find({ ownerId, id: { $in: deliveries.map((delivery) => delivery.eventId as string) } })
      .toArray();
    return events.map((event) => (event.data as { n: number }).n).sort((a, b) => a - b);
  }

  it('delivers each event to exactly the hooks whose filter takes it, and records nothing for the others', async () => {
    const acme = await owner('Filters');
    const hooks = {
      all: await acme.hook('/f/all', ['resource.*']),
      big: await acme.hook('/f/big', ['resource.*'], { filter: { 'data.amount': { $gte: 100 } } }),
      urgent: await acme.hook('/f/urgent', ['resource.*'], {
        filter: { $or: [{ resourceType: 'comment' }, { 'data.tags': 'urgent' }] },
      }),
      logo: await acme.hook('/f/logo', ['resource.*'], {
        filter: { 'data.title': { $regex: '^logo', $options: 'i' }, type: { $ne: 'resource.deleted' } },
      }),
      never: await acme.hook('/f/never', ['resource.*'], { filter: { 'data.amount': { $gt: 1_000_000 } } }),
    };
    const event = (n: number, type: string, resourceType: string, data: Record<string, unknown>) => ({
      id: `f-${n}`,
      type,
      resourceType,
      resourceId: `r${n}`,
      data: { n, ...data },
    });
    const result = await acme.deliver([
      event(1, 'resource.created', 'project', { amount: 150, title: 'Logo refresh', tags: [] }),
      event(2, 'resource.created', 'project', { amount: 50, tags: ['design', 'urgent'] }),
      event(3, 'resource.created', 'comment', { amount: 100 }),
      event(4, 'resource.updated', 'project', { amount: 99, title: 'LOGO v2' }),
      event(5, 'resource.deleted', 'project', { title: 'Logo gone' }),
    ]);

    assert.deepEqual(numbersAt('/f/all'), [1, 2, 3, 4, 5]);
    assert.deepEqual(numbersAt('/f/big'), [1, 3]);
    assert.deepEqual(numbersAt('/f/urgent'), [2, 3]);
    assert.deepEqual(numbersAt('/f/logo'), [1, 4]);
    assert.deepEqual(numbersAt('/f/never'), []);
    assert.deepEqual(await recordedFor(acme.id, hooks.all), [1, 2, 3, 4, 5]);
    assert.deepEqual(await recordedFor(acme.id, hooks.big), [1, 3]);
    assert.deepEqual(await recordedFor(acme.id, hooks.urgent), [2, 3]);
    assert.deepEqual(await recordedFor(acme.id, hooks.logo), [1, 4]);
    assert.deepEqual(await recordedFor(acme.id, hooks.never), []);
    // The dispatch counts the deliveries it made, not the hooks it passed over.
    assert.equal(result.deliveries, 11);
    assert.equal(result.succeeded, 11);
    const shown = await acme.as('GET', '/v1/events/f-5');
    assert.deepEqual(
      shown.body.deliveries.map((delivery: { hookId: string }) => delivery.hookId),
      [hooks.all],
    );
  });

  it('refuses a bad filter with a 400 naming it, and what the document cannot state with a 422', async () => {
    const acme = await owner('Refusals');
    const create = (filter: unknown) =>
      acme.as('POST', '/v1/hooks', {
        name: 'bad',
        events: ['*'],
        filter,
        target: { type: 'http', url: `${receiver.url}/bad` },
      });
    const cases: [unknown, number, RegExp][] = [
      [{ $where: 'this.data.amount > 1' }, 400, /^filter\.\$where: operator \$where is not allowed here/],
      [{ 'data.amount': { $function: {} } }, 400, /^filter\.data\.amount\.\$function: operator \$function is not/],
      [{ 'data.amount': { $expr: {} } }, 400, /^filter\.data\.amount\.\$expr: operator \$expr is not allowed/],
      [{ $or: [] }, 400, /^filter\.\$or: must NOT have fewer than 1 items/],
      ['data.amount > 100', 400, /^filter: must be an object/],
      [{ 'data.title': { $regex: '(a)\\1' } }, 422, /^filter\.data\.title\.\$regex: pattern .* cannot run in linear/],
      [{ 'data.x': { $in: Array.from({ length: 100 }, () => 'y'.repeat(200)) } }, 422, /^filter: is \d+ characters/],
    ];
    for (const [filter, status, message] of cases) {
      const refused = await create(filter);
      assert.equal(refused.status, status, JSON.stringify(refused.body));
      assert.match(refused.body.error.message, message);
    }
    assert.equal(await hookflow.mongo.collection('hooks').countDocuments({ ownerId: acme.id }), 0);
  });

  it('shows the filter, and lets PATCH replace it or clear it with null', async () => {
    const acme = await owner('Patches');
    const hookId = await acme.hook('/p/one', ['reaction'], { filter: { 'data.n': 1 } });
    assert.deepEqual((await acme.as('GET', `/v1/hooks/${hookId}`)).body.filter, { 'data.n': 1 });
    const stored = await hookflow.mongo.collection('hooks').findOne({ _id: hookId as never });
    assert.equal(stored?.filterJson, '{"data.n":1}');

    await acme.deliver([1, 2, 3].map((n) => ({ id: `p-${n}`, type: 'reaction', data: { n } })));
    assert.deepEqual(numbersAt('/p/one'), [1]);

    const replaced = await acme.as('PATCH', `/v1/hooks/${hookId}`, { filter: { 'data.n': { $in: [5, 6] } } });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.deepEqual(replaced.body.filter, { 'data.n': { $in: [5, 6] } });
    await acme.deliver([4, 5].map((n) => ({ id: `p-${n}`, type: 'reaction', data: { n } })));
    assert.deepEqual(numbersAt('/p/one'), [1, 5]);

    const cleared = await acme.as('PATCH', `/v1/hooks/${hookId}`, { filter: null });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.filter, undefined);
    assert.equal((await hookflow.mongo.collection('hooks').findOne({ _id: hookId as never }))?.filterJson, undefined);
    await acme.deliver([7].map((n) => ({ id: `p-${n}`, type: 'reaction', data: { n } })));
    assert.deepEqual(numbersAt('/p/one'), [1, 5, 7]);

    const refused = await acme.as('PATCH', `/v1/hooks/${hookId}`, { filter: { $where: '1' } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /^filter\.\$where: operator \$where is not allowed/);
  });

  it("passes over hooks whose filter does not take the event in an event replay, and in the replay's count", async () => {
    const acme = await owner('Replays');
    const before = await acme.hook('/r/before', ['follow']);
    await acme.deliver([{ id: 'r-1', type: 'follow', data: { n: 1, user: { id: 'u1' } } }]);
    const taking = await acme.hook('/r/taking', ['follow'], { filter: { 'data.user.id': 'u1' } });
    await acme.hook('/r/other', ['follow'], { filter: { 'data.user.id': 'u2' } });

    const started = await acme.as('POST', '/v1/events/r-1/replay', { includeNewHooks: true });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.total, 2);
    const replay = await eventually(async () => {
      const current = (await acme.as('GET', `/v1/replays/${started.body.id}`)).body;
      assert.equal(current.status, 'completed');
      return current;
    });
    assert.deepEqual([replay.total, replay.done, replay.succeeded], [2, 2, 2]);
    assert.deepEqual(numbersAt('/r/before'), [1, 1]);
    assert.deepEqual(numbersAt('/r/taking'), [1]);
    assert.deepEqual(numbersAt('/r/other'), []);
    const replayed = await hookflow.mongo.collection('deliveries').find({ replayId: started.body.id }).toArray();
    assert.deepEqual(replayed.map((delivery) => delivery.hookId).sort(), [before, taking].sort());
  });

  it('follows every dataset event with dataset-*, and no visualization', async () => {
    const portal = await owner('Portal');
    const datasets = await portal.hook('/d/datasets', ['dataset-*']);
    await portal.hook('/d/visualizations', ['visualization-*']);
    assert.deepEqual((await portal.as('GET', `/v1/hooks/${datasets}`)).body.events, ['dataset-*']);
    // The data portal's triggers, as its seed lists them.
    const types = [
      'dataset-created',
      'dataset-error',
      'dataset-finalized',
      'dataset-published',
      'dataset-downloaded',
      'visualization-created',
      'visualization-error',
      'visualization-published',
    ];
    await portal.deliver(types.map((type, n) => ({ id: `d-${n}`, type, data: { n } })));
    const typesAt = (path: string) =>
      receiver.requests
        .filter((request) => request.path === path)
        .map((request) => (JSON.parse(request.body) as { type: string }).type)
        .sort();
    assert.deepEqual(typesAt('/d/datasets'), types.slice(0, 5).sort());
    assert.deepEqual(typesAt('/d/visualizations'), types.slice(5).sort());

    for (const [pattern, status] of [
      ['dataset*', 400],
      ['dataset-*-*', 400],
      ['-*', 400],
    ] as const) {
      const refused = await portal.as('POST', '/v1/hooks', {
        name: 'bad pattern',
        events: [pattern],
        target: { type: 'http', url: `${receiver.url}/d/bad` },
      });
      assert.equal(refused.status, status, pattern);
      assert.match(
        refused.body.error.message,
        /events\.0: must be an event name, a `prefix\.\*` or `prefix-\*` pattern/,
      );
    }
  });
});
