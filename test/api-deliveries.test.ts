import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

describe('deliveries API', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };
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
});
