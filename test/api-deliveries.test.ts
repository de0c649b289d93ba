import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstAttemptRecord } from '../activities/delivery-records';
import { EVENT_DELIVERIES_PAGE } from '../services/deliveries';
import { eventKey, idOf, type OwnerId } from '../core/ids';
import { eventWorkflowId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

describe('deliveries API', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: OwnerId; apiKey: string };
  let okHook: string;
  let failingHook: string;
  let eventId: string;

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => (request.path === '/down' ? 503 : 204));
    owner = await hookflow.createOwner('Portal');
    const as = (body: unknown) => hookflow.request('POST', '/v1/hooks', body, { key: owner.apiKey });
    okHook = (
      await as({ name: 'ok', events: ['dataset-published'], target: { type: 'http', url: `${receiver.url}/up` } })
    ).body.id;
    failingHook = (await as({ name: 'down', events: ['*'], target: { type: 'http', url: `${receiver.url}/down` } }))
      .body.id;
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'dataset-published', data: { id: 'ds1' } },
      { key: owner.apiKey },
    );
    eventId = posted.body.id;
    await eventually(async () => {
      const event = await hookflow.request('GET', `/v1/events/${eventId}`, undefined, { key: owner.apiKey });
      assert.equal(event.body.deliveries.length, 2);
    });
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const get = (path: string) => hookflow.request('GET', path, undefined, { key: owner.apiKey });

  it('filters deliveries by hook, event and status', async () => {
    const byHook = await get(`/v1/deliveries?hookId=${okHook}`);
    assert.deepEqual(
      byHook.body.data.map((d: { hookId: string }) => d.hookId),
      [okHook],
    );
    assert.equal(byHook.body.data[0].status, 'succeeded');
    const byEvent = await get(`/v1/deliveries?eventId=${eventId}`);
    assert.equal(byEvent.body.data.length, 2);
    const failed = await get('/v1/deliveries?status=retrying');
    assert.deepEqual(
      failed.body.data.map((d: { hookId: string }) => d.hookId),
      [failingHook],
    );
    const future = await get(`/v1/deliveries?since=${new Date(Date.now() + 60_000).toISOString()}`);
    assert.deepEqual(future.body.data, []);
    assert.equal((await get('/v1/deliveries?status=lost')).status, 400);
  });

  it('shows every attempt of one delivery with what the target answered', async () => {
    const [summary] = (await get(`/v1/deliveries?hookId=${failingHook}`)).body.data;
    const delivery = await get(`/v1/deliveries/${summary.id}`);
    assert.equal(delivery.status, 200);
    assert.equal(delivery.body.eventId, eventId);
    assert.equal(delivery.body.attempts.length, 1);
    assert.equal(delivery.body.attempts[0].statusCode, 503);
    assert.ok(delivery.body.attempts[0].durationMs >= 0);
    assert.equal((await get('/v1/deliveries/dlv_missing')).status, 404);
  });

  it("embeds an event's newest page of deliveries, and pages through the rest with ?eventId=", async () => {
    const fanOut = await hookflow.createOwner('Fan-out');
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'dataset-published', data: { id: 'ds2' } },
      { key: fanOut.apiKey },
    );
    const id = idOf('event', posted.body.id as string);
    // It has no hooks yet: once its workflow is done, its deliveries are the ones written here, a page and more.
    await hookflow.temporal.workflow.getHandle(eventWorkflowId(eventKey(fanOut.id, id))).result();
    const count = EVENT_DELIVERIES_PAGE + 10;
    const start = Date.now();
    const records = Array.from({ length: count }, (_, i) =>
      firstAttemptRecord(
        {
          deliveryId: idOf('delivery', `dlv_page_${i}`),
          eventId: id,
          eventType: 'dataset-published',
          hookId: idOf('hook', `hook_page_${i}`),
          ownerId: fanOut.id,
        },
        { status: 'succeeded' },
        { startedAt: new Date(start), durationMs: 1 },
        start + i,
      ),
    );
    // Another owner's event of the same producer id is not this one's.
    const foreign = {
      deliveryId: idOf('delivery', 'dlv_page_foreign'),
      eventId: id,
      eventType: 'dataset-published',
      hookId: idOf('hook', 'hook_foreign'),
      ownerId: owner.id,
    };
    const foreignRecord = firstAttemptRecord(foreign, { status: 'succeeded' }, records[0]!.attempts[0], start + count);
    await hookflow.mongo.collection('deliveries').insertMany([...records, foreignRecord] as never[]);
    const asFanOut = (path: string) => hookflow.request('GET', path, undefined, { key: fanOut.apiKey });

    const event = await asFanOut(`/v1/events/${id}`);
    assert.equal(event.status, 200, JSON.stringify(event.body));
    const newestFirst = records.map((record) => record._id).reverse();
    assert.deepEqual(
      event.body.deliveries.map((d: { id: string }) => d.id),
      newestFirst.slice(0, EVENT_DELIVERIES_PAGE),
    );
    assert.equal(typeof event.body.deliveriesNextCursor, 'string');
    const rest = await asFanOut(`/v1/deliveries?eventId=${id}&cursor=${event.body.deliveriesNextCursor}`);
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    assert.deepEqual(
      rest.body.data.map((d: { id: string }) => d.id),
      newestFirst.slice(EVENT_DELIVERIES_PAGE),
    );
    assert.equal(rest.body.nextCursor, undefined);
    // An event within one page says there is nothing more.
    const small = await get(`/v1/events/${eventId}`);
    assert.equal(small.body.deliveries.length, 2);
    assert.equal(small.body.deliveriesNextCursor, undefined);
  });

  it('filters by event type and a time window, which deliveries recorded before they kept a type fall out of', async () => {
    const between = new Date();
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'dataset-created', data: { id: 'ds3' } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    await eventually(async () => {
      const event = await get(`/v1/events/${posted.body.id}`);
      assert.equal(event.body.deliveries.length, 1, 'only the hook of every event takes dataset-created');
    });
    // A delivery recorded before deliveries kept their event's type: no eventType, on record as it was.
    const old = firstAttemptRecord(
      {
        deliveryId: idOf('delivery', 'dlv_untyped'),
        eventId: idOf('event', eventId),
        eventType: 'dataset-published',
        hookId: idOf('hook', failingHook),
        ownerId: owner.id,
      },
      { status: 'failed' },
      undefined,
      between.getTime() - 1,
    );
    const untyped: Partial<typeof old> = { ...old };
    delete untyped.eventType;
    await hookflow.mongo.collection('deliveries').insertOne(untyped as never);
    const of = async (query: string) => {
      const answer = await get(`/v1/deliveries?hookId=${failingHook}&${query}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.data.map((d: { eventId: string; eventType?: string; id: string }) =>
        d.id === untyped._id ? 'untyped' : `${d.eventId}:${d.eventType}`,
      );
    };

    assert.deepEqual(await of('eventType=dataset-published'), [`${eventId}:dataset-published`]);
    assert.deepEqual(await of('eventType=dataset-created'), [`${posted.body.id}:dataset-created`]);
    assert.deepEqual(await of('eventType=dataset-error'), []);
    assert.deepEqual(await of(`until=${between.toISOString()}`), ['untyped', `${eventId}:dataset-published`]);
    assert.deepEqual(await of(`since=${between.toISOString()}`), [`${posted.body.id}:dataset-created`]);
    assert.deepEqual(await of(`eventType=dataset-published&status=retrying&until=${between.toISOString()}`), [
      `${eventId}:dataset-published`,
    ]);
    const empty = await get(`/v1/deliveries?since=${between.toISOString()}&until=${between.toISOString()}`);
    assert.equal(empty.status, 422);
    assert.match(empty.body.error.message, /until: must be later than since/);
    assert.equal((await get('/v1/deliveries?until=yesterday')).status, 400);
  });
});
