import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

/**
 * Event ids and Idempotency-Keys belong to each owner: two owners may send the
 * same one, and nothing an owner is answered depends on what another sent.
 */
describe('event ids and Idempotency-Keys, per owner', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Requests (by path and run) the receiver has failed once already, for events that ask for it. */
  const failedOnce = new Set<string>();
  let runs = 0;

  interface Owner {
    id: string;
    hookId: string;
    path: string;
    as: (
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) => ReturnType<Hookflow['request']>;
  }
  let a: Owner;
  let b: Owner;

  const dataOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { data: Record<string, unknown> }).data;

  before(async () => {
    hookflow = await startHookflow();
    // An event whose data says `failOnce` is refused once per receiving path: its delivery goes through a retry.
    receiver = await startReceiver((request) => {
      const data = dataOf(request);
      const once = `${request.path} ${String(data.run)}`;
      if (!data.failOnce || failedOnce.has(once)) return 200;
      failedOnce.add(once);
      return 503;
    });
    const ownerWithHook = async (name: string): Promise<Owner> => {
      const owner = await hookflow.createOwner(name);
      const as: Owner['as'] = (method, path, body, headers) =>
        hookflow.request(method, path, body, { key: owner.apiKey, headers });
      const path = `/${name.toLowerCase()}`;
      const hook = await as('POST', '/v1/hooks', {
        name,
        events: ['reaction'],
        target: { type: 'http', url: `${receiver.url}${path}` },
        delivery: { retrySchedule: ['1s'] },
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      return { id: owner.id, hookId: hook.body.id as string, path, as };
    };
    a = await ownerWithHook('Alice');
    b = await ownerWithHook('Bob');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  /** An id no test used before; events carry it in their data as `run`, so that receivers tell runs apart. */
  const freshId = (name: string) => `${name}-${Date.now()}-${++runs}`;

  const receivedBy = (owner: Owner, run: string) =>
    receiver.requests.filter((request) => request.path === owner.path && dataOf(request).run === run);

  /** The owner's event once its one delivery succeeded. */
  function delivered(owner: Owner, id: string, query = '') {
    return eventually(async () => {
      const event = await owner.as('GET', `/v1/events/${id}${query}`);
      assert.equal(event.status, 200, JSON.stringify(event.body));
      assert.equal(event.body.deliveries.length, 1, JSON.stringify(event.body));
      assert.equal(event.body.deliveries[0].status, 'succeeded');
      return event.body;
    });
  }

  it("accepts one event id from two owners as two events, each read and delivered as its owner's only", async () => {
    const id = freshId('shared');
    const ofA = { id, type: 'reaction', data: { run: id, who: 'a' } };
    const ofB = { id, type: 'reaction', data: { run: id, who: 'b' } };
    const postedA = await a.as('POST', '/v1/events', ofA);
    const postedB = await b.as('POST', '/v1/events', ofB);
    assert.deepEqual([postedA.status, postedA.body.id, postedA.body.ownerId], [202, id, a.id]);
    assert.deepEqual([postedB.status, postedB.body.id, postedB.body.ownerId], [202, id, b.id], 'not a 409');

    const eventA = await delivered(a, id);
    const eventB = await delivered(b, id);
    assert.deepEqual([eventA.id, eventA.ownerId, eventA.data], [id, a.id, ofA.data]);
    assert.deepEqual([eventB.id, eventB.ownerId, eventB.data], [id, b.id, ofB.data]);
    assert.deepEqual(
      [eventA.deliveries[0].hookId, eventA.deliveries[0].eventId],
      [a.hookId, id],
      "A's event went to A's hook",
    );
    assert.deepEqual([eventB.deliveries[0].hookId, eventB.deliveries[0].eventId], [b.hookId, id]);
    assert.deepEqual(receivedBy(a, id).map(dataOf), [ofA.data], "A's receiver got A's event, once");
    assert.deepEqual(receivedBy(b, id).map(dataOf), [ofB.data], "B's receiver got B's event, once");
    assert.equal(receivedBy(a, id)[0]?.headers['webhook-id'], eventA.deliveries[0].id);
    assert.equal(receivedBy(b, id)[0]?.headers['webhook-id'], eventB.deliveries[0].id);
    assert.notEqual(eventA.deliveries[0].id, eventB.deliveries[0].id);

    for (const owner of [a, b]) {
      const listed = await owner.as('GET', `/v1/deliveries?eventId=${id}`);
      assert.deepEqual(
        listed.body.data.map((delivery: { hookId: string }) => delivery.hookId),
        [owner.hookId],
      );
      const events = await owner.as('GET', '/v1/events?limit=500');
      assert.equal(events.body.data.filter((event: { id: string }) => event.id === id).length, 1);
    }

    const retried = await a.as('POST', '/v1/events', ofA);
    assert.deepEqual([retried.status, retried.body.createdAt], [200, postedA.body.createdAt]);
    const changed = await a.as('POST', '/v1/events', { ...ofA, data: { run: id, who: 'a, changed' } });
    assert.equal(changed.status, 409, "A's own id with other content is still a conflict");
    assert.deepEqual((await b.as('GET', `/v1/events/${id}`)).body.data, ofB.data, "B's event is untouched");
  });

  it('accepts one Idempotency-Key from two owners as two events', async () => {
    const key = freshId('idem');
    const post = (owner: Owner, who: string) =>
      owner.as('POST', '/v1/events', { type: 'reaction', data: { run: key, who } }, { 'idempotency-key': key });
    const postedA = await post(a, 'a');
    const postedB = await post(b, 'b');
    assert.deepEqual([postedA.status, postedA.body.id], [202, key]);
    assert.deepEqual([postedB.status, postedB.body.id], [202, key]);
    assert.deepEqual((await delivered(a, key)).data, { run: key, who: 'a' });
    assert.deepEqual((await delivered(b, key)).data, { run: key, who: 'b' });
    assert.deepEqual(receivedBy(a, key).map(dataOf), [{ run: key, who: 'a' }]);
    assert.deepEqual(receivedBy(b, key).map(dataOf), [{ run: key, who: 'b' }]);
    assert.equal((await post(a, 'a')).status, 200);
    assert.equal((await post(a, 'a, changed')).status, 409);
    assert.equal((await post(b, 'b')).status, 200);
  });

  it("answers B the same whether or not A sent B's ids first", async () => {
    /** Everything B is told about one id, leaving out the id itself and what varies by call (times, request and delivery ids). */
    async function answersToB(id: string) {
      const content = { type: 'reaction', data: { run: id, who: 'b' } };
      const answers = [
        await b.as('POST', '/v1/events', { id, ...content }),
        await b.as('POST', '/v1/events', { id, ...content }),
        await b.as('POST', '/v1/events', { id, ...content, data: { run: id, who: 'b, changed' } }),
        await b.as('POST', '/v1/events', content, { 'idempotency-key': `${id}.key` }),
        await b.as('POST', '/v1/events', { ...content, data: { run: id } }, { 'idempotency-key': `${id}.key` }),
        await b.as('POST', '/v1/events/batch', { messageId: `${id}.msg`, events: [{ id: `${id}.batch`, ...content }] }),
        await b.as('POST', '/v1/events/batch', { messageId: `${id}.msg`, events: [{ id: `${id}.batch`, ...content }] }),
      ];
      await delivered(b, id);
      answers.push(await b.as('GET', `/v1/events/${id}`));
      answers.push(await b.as('GET', `/v1/deliveries?eventId=${id}`));
      answers.push(await b.as('GET', `/v1/events?messageId=${id}.msg`));
      return answers.map(
        ({ status, body }) =>
          JSON.parse(
            JSON.stringify({ status, body })
              .replaceAll(id, '<id>')
              .replace(/"(createdAt|updatedAt|startedAt|requestId)":"[^"]+"/g, '"$1":"<varies>"')
              .replace(/"(id|durationMs)":("dlv_\w+"|\d+)/g, '"$1":"<generated>"'),
          ) as unknown,
      );
    }

    const untouched = freshId('alone');
    const squatted = freshId('squatted');
    // A sends first what B is about to send: the same ids and keys, with B's content and with other content.
    const content = { type: 'reaction', data: { run: squatted, who: 'b' } };
    assert.equal((await a.as('POST', '/v1/events', { id: squatted, ...content })).status, 202);
    assert.equal(
      (await a.as('POST', '/v1/events', { ...content, data: {} }, { 'idempotency-key': `${squatted}.key` })).status,
      202,
    );
    const batch = { messageId: `${squatted}.msg`, events: [{ id: `${squatted}.batch`, ...content, data: {} }] };
    assert.equal((await a.as('POST', '/v1/events/batch', batch)).status, 202);

    const alone = await answersToB(untouched);
    assert.deepEqual(
      alone.map((answer) => (answer as { status: number }).status),
      [202, 200, 409, 202, 409, 202, 202, 200, 200, 200],
    );
    assert.deepEqual(await answersToB(squatted), alone);
    await eventually(() =>
      assert.deepEqual(receivedBy(b, squatted).map(dataOf), [content.data, content.data, content.data]),
    );
  });

  it('lets the admin name the owner of an id that several owners use, and refuses to guess', async () => {
    const id = freshId('admin');
    const onlyA = freshId('admin-a');
    for (const [owner, eventId] of [
      [a, id],
      [b, id],
      [a, onlyA],
    ] as const) {
      const posted = await owner.as('POST', '/v1/events', { id: eventId, type: 'reaction', data: { run: eventId } });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
    }
    await delivered(a, id);
    await delivered(b, id);

    const one = await hookflow.request('GET', `/v1/events/${onlyA}`);
    assert.deepEqual([one.status, one.body.ownerId], [200, a.id], 'an id only one owner uses needs no owner');
    const ambiguous = await hookflow.request('GET', `/v1/events/${id}`);
    assert.equal(ambiguous.status, 422, JSON.stringify(ambiguous.body));
    assert.equal(ambiguous.body.error.code, 'unprocessable');
    assert.match(ambiguous.body.error.message, /ownerId/);
    for (const owner of [a, b]) {
      const named = await hookflow.request('GET', `/v1/events/${id}?ownerId=${owner.id}`);
      assert.deepEqual(
        [named.status, named.body.ownerId, named.body.deliveries[0]?.hookId],
        [200, owner.id, owner.hookId],
      );
      const deliveries = await hookflow.request('GET', `/v1/deliveries?eventId=${id}&ownerId=${owner.id}`);
      assert.deepEqual(
        deliveries.body.data.map((delivery: { hookId: string }) => delivery.hookId),
        [owner.hookId],
      );
    }
    assert.equal((await hookflow.request('GET', `/v1/deliveries?eventId=${id}`)).body.data.length, 2);
    assert.equal((await hookflow.request('GET', `/v1/events/${onlyA}?ownerId=${b.id}`)).status, 404);
    assert.equal((await a.as('GET', `/v1/events/${id}?ownerId=${b.id}`)).status, 404, 'an owner names only itself');

    const again = { ownerId: b.id, id, type: 'reaction', data: { run: id } };
    assert.equal((await hookflow.request('POST', '/v1/events', again)).status, 200);
    assert.equal((await hookflow.request('POST', '/v1/events', { ...again, data: {} })).status, 409);

    const unnamed = await hookflow.request('POST', `/v1/events/${id}/replay`, {});
    assert.equal(unnamed.status, 422, JSON.stringify(unnamed.body));
    assert.match(unnamed.body.error.message, /ownerId/);
    const replay = await hookflow.request('POST', `/v1/events/${id}/replay?ownerId=${b.id}`, {});
    assert.equal(replay.status, 202, JSON.stringify(replay.body));
    assert.deepEqual([replay.body.eventId, replay.body.total], [id, 1]);
    await eventually(() => assert.equal(receivedBy(b, id).length, 2));
    assert.equal(receivedBy(a, id).length, 1, "B's replay sends nothing to A");
  });

  it("retries and replays each owner's event on its own, under the same replay Idempotency-Key", async () => {
    const id = freshId('retried');
    // B's first delivery fails and is retried a second later; A's goes through at once.
    assert.equal((await a.as('POST', '/v1/events', { id, type: 'reaction', data: { run: id } })).status, 202);
    const failing = { id, type: 'reaction', data: { run: id, failOnce: true } };
    assert.equal((await b.as('POST', '/v1/events', failing)).status, 202);
    const eventB = await delivered(b, id);
    assert.equal(eventB.deliveries[0].attempts, 2, "the retry found B's event");
    assert.equal((await delivered(a, id)).deliveries[0].attempts, 1);

    const key = { 'idempotency-key': `${id}.replay` };
    const replayA = await a.as('POST', `/v1/events/${id}/replay`, {}, key);
    const replayB = await b.as('POST', `/v1/events/${id}/replay`, {}, key);
    assert.deepEqual([replayA.status, replayB.status], [202, 202], "not the other owner's replay");
    assert.notEqual(replayA.body.id, replayB.body.id);
    assert.deepEqual([replayA.body.eventId, replayB.body.eventId], [id, id]);
    await eventually(() => {
      assert.equal(receivedBy(a, id).length, 2);
      assert.equal(receivedBy(b, id).length, 3);
    });
    const [firstB, , replayedB] = receivedBy(b, id);
    assert.equal(replayedB?.headers['webhook-id'], firstB?.headers['webhook-id'], 'a replay is the same message');
    assert.equal((await a.as('POST', `/v1/events/${id}/replay`, {}, key)).body.id, replayA.body.id);
  });
});
