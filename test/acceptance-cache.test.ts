import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../api/main';
import { createLogger } from '../infra/logger';
import { startHookflow, type Hookflow } from './support/hookflow';

describe('the API caches what accepting an event reads, per owner version', () => {
  let hookflow: Hookflow;
  let other: RunningApi;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    // A second API process on the same store, with caches of its own.
    other = await startApi(hookflow.config, createLogger('warn', 'other-api'));
    owner = await hookflow.createOwner('Cached');
  });
  after(async () => {
    await other?.close();
    await hookflow?.stop();
  });

  const postToOther = (body: unknown, key = owner.apiKey) =>
    hookflow.request('POST', '/v1/events', body, { key, baseUrl: other.url });

  it('accepts a type registered in one API process on the next post to another', async () => {
    const type = `invoice.sent${Date.now()}`;
    const unknown = await postToOther({ type, data: { amount: 5 } });
    assert.equal(unknown.status, 422);
    assert.match(unknown.body.error.message, /unknown event type/);

    const registered = await hookflow.request('POST', '/v1/event-types', {
      name: type,
      schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));

    const mismatch = await postToOther({ type, data: {} });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.code, 'schema_mismatch');
    const accepted = await postToOther({ type, data: { amount: 5 } });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  });

  it('accepts an owner created after the cache was filled', async () => {
    const late = await hookflow.createOwner('Late');
    const response = await postToOther({ type: 'reaction', data: {} }, late.apiKey);
    assert.equal(response.status, 202);
  });
});
