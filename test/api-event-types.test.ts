import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';

describe('event types API', () => {
  let hookflow: Hookflow;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow();
    owner = await hookflow.createOwner('Reader');
  });
  after(() => hookflow?.stop());

  it('lists the default catalogue of the seed products to owners', async () => {
    const listed = await hookflow.request('GET', '/v1/event-types', undefined, { key: owner.apiKey });
    assert.equal(listed.status, 200);
    const names = listed.body.data.map((t: { name: string }) => t.name);
    for (const name of [
      'resource.created',
      'resource.deleted',
      'follow',
      'reaction',
      'onDeviceRegister',
      'onNotificationFailure',
      'dataset-downloaded',
      'visualization-published',
    ]) {
      assert.ok(names.includes(name), name);
    }
    const created = listed.body.data.find((t: { name: string }) => t.name === 'resource.created');
    assert.ok(created.resourceTypes.includes('project'));
  });

  it('lets the admin register a type with a JSON Schema, then subscribe to it', async () => {
    const registered = await hookflow.request('POST', '/v1/event-types', {
      name: 'order.shipped',
      description: 'An order left the warehouse',
      schema: { type: 'object', required: ['orderId'] },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.deepEqual(registered.body.schema, { type: 'object', required: ['orderId'] });
    assert.equal((await hookflow.request('POST', '/v1/event-types', { name: 'order.shipped' })).status, 409);

    const hook = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'orders', events: ['order.shipped'], target: { type: 'http', url: 'http://127.0.0.1:9/orders' } },
      { key: owner.apiKey },
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
  });

  it('refuses bad event types with a 4xx naming the field', async () => {
    // A schema that is a JSON object but not a usable JSON Schema breaks a rule the document cannot state: 422.
    const cases: [unknown, number, RegExp][] = [
      [{ name: 'order.*' }, 400, /name/],
      [{ name: '' }, 400, /name/],
      [{ name: 'x.y', schema: { type: 'no-such-type' } }, 422, /schema/],
      [{ name: 'x.y', colour: 'red' }, 400, /colour/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await hookflow.request('POST', '/v1/event-types', body);
      assert.equal(answer.status, status, JSON.stringify(body));
      assert.match(answer.body.error.message, message);
    }
  });
});
