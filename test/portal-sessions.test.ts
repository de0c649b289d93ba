import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idOf } from '../core/ids';
import { hashApiKey } from '../services/api-keys';
import { startHookflow, type Hookflow } from './support/hookflow';

/**
 * Portal sessions as the producer mints them for its users (issue 17's
 * access): a session acts as its owner, on that owner's data only, until it
 * ends or is revoked; a read-only one only reads; only the admin key mints.
 */
describe('portal sessions', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
  });
  after(async () => {
    await hookflow?.stop();
  });

  const mint = (ownerId: string, body: unknown = {}) =>
    hookflow.request('POST', `/v1/owners/${ownerId}/portal-sessions`, body);
  const as = (token: string) => (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: token });
  const hook = (name: string) => ({
    name,
    events: ['reaction'],
    target: { type: 'http', url: 'http://127.0.0.1:9/unused' },
  });

  it("acts as its owner on the owner's own data, and answers another owner's hook as a missing one", async () => {
    const owner = await hookflow.createOwner('Portal user');
    const other = await hookflow.createOwner('Someone else');
    const othersHook = await hookflow.request('POST', '/v1/hooks', hook('theirs'), { key: other.apiKey });
    assert.equal(othersHook.status, 201, JSON.stringify(othersHook.body));

    const before = Date.now();
    const minted = await mint(owner.id);
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const { token, url, expiresAt, readOnly, id } = minted.body;
    assert.match(token, /^hfp_[\w-]{43}$/);
    assert.equal(url, `${hookflow.config.publicUrl}/portal/#token=${token}`);
    assert.equal(readOnly, false);
    const lasts = Date.parse(expiresAt) - before;
    assert.ok(lasts >= 3_600_000 && lasts < 3_600_000 + 60_000, `an hour unless said: ${lasts} ms`);
    const stored = await hookflow.mongo.collection('portal_sessions').findOne({ _id: id });
    assert.equal(stored?.hash, hashApiKey(token), 'a digest is kept');
    assert.ok(!JSON.stringify(stored).includes(token), 'never the token');

    const portal = as(token);
    const created = await portal('POST', '/v1/hooks', hook('mine'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const listed = await portal('GET', '/v1/hooks');
    assert.deepEqual(
      listed.body.data.map((h: { name: string }) => h.name),
      ['mine'],
    );
    const missingId = 'hook_0000000000000000000000000';
    const missing = await portal('GET', `/v1/hooks/${missingId}`);
    const theirs = await portal('GET', `/v1/hooks/${othersHook.body.id}`);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.body.error.code, missing.body.error.code);
    assert.equal(
      theirs.body.error.message.replace(othersHook.body.id, '<id>'),
      missing.body.error.message.replace(missingId, '<id>'),
      "another owner's hook looks exactly like one that does not exist",
    );
    for (const [method, path] of [
      ['GET', '/v1/owners'],
      ['POST', `/v1/owners/${owner.id}/keys`],
      ['POST', `/v1/owners/${owner.id}/portal-sessions`],
    ] as const) {
      assert.equal((await portal(method, path, method === 'POST' ? {} : undefined)).status, 403, `${method} ${path}`);
    }
  });

  it('lets a read-only session read, and refuses every change with a 403 that says why', async () => {
    const owner = await hookflow.createOwner('Read only');
    assert.equal((await hookflow.request('POST', '/v1/hooks', hook('kept'), { key: owner.apiKey })).status, 201);
    const minted = await mint(owner.id, { readOnly: true, expiresIn: '10m' });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    assert.equal(minted.body.readOnly, true);
    const portal = as(minted.body.token);
    const listed = await portal('GET', '/v1/hooks');
    assert.equal(listed.status, 200);
    const [kept] = listed.body.data;
    for (const [method, path, body] of [
      ['POST', '/v1/hooks', hook('new')],
      ['PATCH', `/v1/hooks/${kept.id}`, { name: 'renamed' }],
      ['DELETE', `/v1/hooks/${kept.id}`, undefined],
      ['POST', '/v1/events', { type: 'reaction', data: {} }],
    ] as const) {
      const refused = await portal(method, path, body);
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.equal(refused.body.error.code, 'read_only');
      assert.match(refused.body.error.message, /read-only/);
    }
    assert.equal((await portal('GET', `/v1/hooks/${kept.id}`)).body.name, 'kept', 'nothing changed');
  });

  it('stops working once revoked or ended, and with its owner deleted', async () => {
    const owner = await hookflow.createOwner('Ending');
    const sessions = await Promise.all([mint(owner.id), mint(owner.id), mint(owner.id)]);
    const [revoked, ended, kept] = sessions.map((minted) => {
      assert.equal(minted.status, 201, JSON.stringify(minted.body));
      return minted.body as { id: string; token: string };
    }) as [{ id: string; token: string }, { id: string; token: string }, { id: string; token: string }];

    const revoking = await hookflow.request('DELETE', `/v1/owners/${owner.id}/portal-sessions/${revoked.id}`);
    assert.equal(revoking.status, 200, JSON.stringify(revoking.body));
    assert.ok(revoking.body.revokedAt);
    assert.equal((await as(revoked.token)('GET', '/v1/hooks')).status, 401);
    // Time passing, as far as the session can tell: its end is now behind it.
    await hookflow.models.PortalSession.updateOne(
      { _id: idOf('portalSession', ended.id) },
      { $set: { expiresAt: new Date(Date.now() - 1) } },
    );
    assert.equal((await as(ended.token)('GET', '/v1/hooks')).status, 401);

    const live = await hookflow.request('GET', `/v1/owners/${owner.id}/portal-sessions`);
    assert.deepEqual(
      live.body.data.map((session: { id: string }) => session.id),
      [kept.id],
      'the list shows the sessions that still work',
    );
    assert.equal((await as(kept.token)('GET', '/v1/hooks')).status, 200);
    assert.equal((await hookflow.request('DELETE', `/v1/owners/${owner.id}`)).status, 202);
    assert.equal((await as(kept.token)('GET', '/v1/hooks')).status, 401, "a deleted owner's sessions stop at once");
  });

  it('is minted by the admin key only, for an owner that exists, for at most a week', async () => {
    const owner = await hookflow.createOwner('Minting');
    const byOwner = await hookflow.request('POST', `/v1/owners/${owner.id}/portal-sessions`, {}, { key: owner.apiKey });
    assert.equal(byOwner.status, 403);
    assert.equal((await mint('own_0000000000000000000000000')).status, 404);
    for (const body of [{ expiresIn: '8d' }, { expiresIn: '30s' }, { expiresIn: 'soon' }, { readOnly: 'yes' }]) {
      const refused = await mint(owner.id, body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(refused.body.error), new RegExp(Object.keys(body)[0] as string));
    }
    const unknown = await mint(owner.id, { admin: true });
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body.error), /admin/);
    assert.equal((await hookflow.request('DELETE', `/v1/owners/${owner.id}/portal-sessions/ps_nope`)).status, 404);
  });

  it('carries the theme the producer gave, which its token reads back, and refuses one the page would not apply', async () => {
    const owner = await hookflow.createOwner('Themed');
    const theme = { name: '  Acme Hooks ', color: '#7C3AED', logoUrl: 'https://cdn.acme.test/logo.svg' };
    const minted = await mint(owner.id, { theme });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const expected = { name: 'Acme Hooks', color: '#7C3AED', logoUrl: 'https://cdn.acme.test/logo.svg' };
    assert.deepEqual(minted.body.theme, expected);

    const current = await as(minted.body.token)('GET', '/v1/portal-session');
    assert.equal(current.status, 200, JSON.stringify(current.body));
    assert.equal(current.body.id, minted.body.id);
    assert.equal(current.body.readOnly, false);
    assert.deepEqual(current.body.theme, expected);
    assert.ok(!('token' in current.body), 'the token is shown at minting only');

    const plain = await mint(owner.id, { readOnly: true, theme: { logoUrl: '/static/logo.png' } });
    const plainCurrent = await as(plain.body.token)('GET', '/v1/portal-session');
    assert.deepEqual(plainCurrent.body.theme, { logoUrl: '/static/logo.png' });
    assert.equal(plainCurrent.body.readOnly, true);
    assert.equal((await as(owner.apiKey)('GET', '/v1/portal-session')).status, 404, 'an owner key is no session');

    for (const [field, value] of [
      ['color', 'red;background:url(x)'],
      ['color', '#12345'],
      ['logoUrl', 'javascript:alert(1)'],
      ['logoUrl', 'http://plain.test/x.png'],
      ['logoUrl', '//evil.test/x.png'],
      ['name', 'n'.repeat(61)],
      ['name', '   '],
      ['font', 'Comic Sans'],
    ] as const) {
      const refused = await mint(owner.id, { theme: { [field]: value } });
      assert.equal(refused.status, 400, `${field}: ${value}`);
      assert.match(JSON.stringify(refused.body.error), new RegExp(`theme\\.${field}|${field}`), `${field}: ${value}`);
    }
  });
});
