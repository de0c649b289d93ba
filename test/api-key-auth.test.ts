import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../api/main';
import { hashApiKey } from '../services/api-keys';
import { createLogger } from '../infra/logger';
import { startHookflow, type Hookflow } from './support/hookflow';

describe('owner keys are checked in one read and revoked at once, in every API process', () => {
  let hookflow: Hookflow;
  let other: RunningApi;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    // A second API process on the same store, which remembers the keys it has seen.
    other = await startApi(hookflow.config, createLogger('warn', 'other-api'));
  });
  after(async () => {
    await other?.close();
    await hookflow?.stop();
  });

  const hooksOnOther = (key: string) =>
    hookflow.request('GET', '/v1/hooks', undefined, { key, baseUrl: other.url }).then((answer) => answer.status);

  it('refuses a key in another API process as soon as it is revoked, though that process used it', async () => {
    const owner = await hookflow.createOwner('Revoked elsewhere');
    assert.equal(await hooksOnOther(owner.apiKey), 200);
    const keys = await hookflow.request('GET', `/v1/owners/${owner.id}`);
    const keyId = keys.body.apiKeys[0].id as string;
    assert.equal((await hookflow.request('DELETE', `/v1/owners/${owner.id}/keys/${keyId}`)).status, 200);
    assert.equal(await hooksOnOther(owner.apiKey), 401);
  });

  it('keeps the keys of an owner stored before liveKeyIds working, and revokes them as well', async () => {
    const owner = await hookflow.createOwner('From before');
    await hookflow.models.Owner.updateOne({ _id: owner.id }, { $unset: { liveKeyIds: 1 } });
    assert.equal(await hooksOnOther(owner.apiKey), 200);
    const issued = await hookflow.request('POST', `/v1/owners/${owner.id}/keys`);
    assert.equal(issued.status, 201);
    assert.equal(await hooksOnOther(issued.body.apiKey), 200, 'a key issued later works too');
    const stored = await hookflow.models.Owner.findById(owner.id).lean();
    assert.equal(stored?.liveKeyIds, undefined, 'no partial list that would lock the first key out');
    const keyId = (await hookflow.models.ApiKey.findOne({ hash: hashApiKey(owner.apiKey) }).lean())?._id;
    assert.equal((await hookflow.request('DELETE', `/v1/owners/${owner.id}/keys/${keyId}`)).status, 200);
    assert.equal(await hooksOnOther(owner.apiKey), 401);
    assert.equal(await hooksOnOther(issued.body.apiKey), 200, 'only the revoked key stops');
  });
});
