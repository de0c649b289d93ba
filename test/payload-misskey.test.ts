import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

/** As a Misskey user types it in the webhook settings: any printable text, spaces inside included. */
const OWN_SECRET = 'kept from Misskey: s3cr3t!';

/**
 * The Misskey seed: the request header carries the secret set when the
 * webhook was created, `X-Misskey-Hook-Secret`, which receivers compare as
 * is. A misskey hook may keep the one its receivers already check; Standard
 * Webhooks signatures still go out, with a generated key (real stack).
 */
describe("a misskey hook's own secret (real stack)", () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };
  const as = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    owner = await hookflow.createOwner('Misskey');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const hookBody = (path: string, extra: Record<string, unknown>) => ({
    name: path,
    events: ['note'],
    resourceTypes: [path],
    target: { type: 'http', url: `${receiver.url}/${path}` },
    ...extra,
  });

  /** Posts a note for the hooks of `path` and returns what the receiver got. */
  async function deliveredNote(path: string): Promise<ReceivedRequest> {
    const before = receiver.requests.length;
    const posted = await as('POST', '/v1/events', { type: 'note', resourceType: path, data: { note: { id: path } } });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    await receiver.waitForRequests(before + 1);
    return receiver.requests[before] as ReceivedRequest;
  }

  it('sends the secret it was given as X-Misskey-Hook-Secret, signs with a generated key, never shows it', async () => {
    const created = await as('POST', '/v1/hooks', hookBody('own', { format: 'misskey', secret: OWN_SECRET }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'the answer shows the generated signing key');
    const read = await as('GET', `/v1/hooks/${created.body.id}`);
    assert.doesNotMatch(JSON.stringify([created.body, read.body]), /s3cr3t/);
    const stored = JSON.stringify(await hookflow.mongo.collection('hooks').findOne({ _id: created.body.id }));
    assert.doesNotMatch(stored, /s3cr3t/, 'sealed at rest');

    const request = await deliveredNote('own');
    assert.equal(request.headers['x-misskey-hook-secret'], OWN_SECRET);
    assert.equal(request.headers['x-misskey-hook-id'], created.body.id);
    new Webhook(created.body.secret).verify(request.body, request.headers as Record<string, string>);

    const delivery = await as('GET', `/v1/deliveries?hookId=${created.body.id}`);
    assert.doesNotMatch(JSON.stringify(delivery.body), /s3cr3t/);
  });

  it('without one, sends the signing secret as before', async () => {
    const created = await as('POST', '/v1/hooks', hookBody('plain', { format: 'misskey' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const request = await deliveredNote('plain');
    assert.equal(request.headers['x-misskey-hook-secret'], created.body.secret);
  });

  it('is set, replaced and dropped by PATCH, and dropped when the hook leaves the misskey format', async () => {
    const created = await as('POST', '/v1/hooks', hookBody('patched', { format: 'misskey' }));
    const id = created.body.id as string;
    const patched = await as('PATCH', `/v1/hooks/${id}`, { secret: 'the new one' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.doesNotMatch(JSON.stringify(patched.body), /the new one/);
    assert.equal((await deliveredNote('patched')).headers['x-misskey-hook-secret'], 'the new one');

    assert.equal((await as('PATCH', `/v1/hooks/${id}`, { secret: null })).status, 200);
    assert.equal((await deliveredNote('patched')).headers['x-misskey-hook-secret'], created.body.secret);

    assert.equal((await as('PATCH', `/v1/hooks/${id}`, { secret: 'again' })).status, 200);
    assert.equal((await as('PATCH', `/v1/hooks/${id}`, { format: 'standard' })).status, 200);
    const stored = await hookflow.mongo.collection('hooks').findOne({ _id: created.body.id });
    assert.equal(stored?.misskeySecret, undefined, 'a standard hook keeps no misskey secret');
    assert.equal((await deliveredNote('patched')).headers['x-misskey-hook-secret'], undefined);
  });

  it('refuses a secret that is not whsec_ for other formats, and one no header can carry, naming `secret`', async () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ format: 'standard', secret: OWN_SECRET }, /secret: must be whsec_.*format "misskey"/],
      [{ secret: OWN_SECRET }, /secret: must be whsec_/],
      [{ format: 'misskey', secret: ' padded' }, /secret: must be 1 to 256 printable ASCII characters/],
      [{ format: 'misskey', secret: 'x'.repeat(257) }, /secret: must be 1 to 256 printable ASCII characters/],
      [{ format: 'misskey', secret: 'line\nbreak' }, /secret: must be 1 to 256 printable ASCII characters/],
      [{ format: 'misskey', secret: '' }, /secret: must be 1 to 256 printable ASCII characters/],
    ];
    for (const [extra, message] of refusals) {
      const refused = await as('POST', '/v1/hooks', hookBody('refused', extra));
      assert.equal(refused.status, 400, JSON.stringify(extra));
      assert.match(refused.body.error.message, message);
    }
    assert.equal(
      (await as('POST', '/v1/hooks', hookBody('long', { format: 'misskey', secret: '~'.repeat(256) }))).status,
      201,
    );

    const standard = await as('POST', '/v1/hooks', hookBody('standard', {}));
    const onStandard = await as('PATCH', `/v1/hooks/${standard.body.id}`, { secret: OWN_SECRET });
    assert.equal(onStandard.status, 422, 'the stored format decides: beyond what the document can state');
    assert.match(onStandard.body.error.message, /secret: only hooks of format "misskey".*"standard"/);
    const naming = await as('PATCH', `/v1/hooks/${standard.body.id}`, { format: 'ibm', secret: OWN_SECRET });
    assert.equal(naming.status, 400, 'a patch naming another format breaks the document');
    assert.match(naming.body.error.message, /secret: only hooks of format "misskey"/);
  });
});
