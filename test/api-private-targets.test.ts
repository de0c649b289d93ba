import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';

/** The API as production runs it, with the address guard on. No worker: nothing here may be sent anywhere. */
describe('hooks API with the address guard on', () => {
  let hookflow: Hookflow;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow({ worker: false, allowPrivateTargets: false });
    owner = await hookflow.createOwner('Guarded');
  });
  after(async () => {
    await hookflow?.stop();
  });

  const create = (target: Record<string, unknown>) =>
    hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'ssrf', events: ['resource.created'], target },
      { key: owner.apiKey },
    );

  it('refuses hooks whose URL is an IPv6 form of a private IPv4 address, and stores none', async () => {
    const urls = [
      'http://[::127.0.0.1]/', // IPv4-compatible
      'http://[0:0:0:0:0:0:7f00:1]:8080/',
      'http://[::a9fe:a9fe]/latest/meta-data/', // 169.254.169.254
      'http://[::ffff:0:7f00:1]/', // IPv4-translated
      'http://[::FFFF:0:10.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/', // IPv4-mapped
      'http://[64:ff9b::7f00:1]/', // NAT64
      'http://[64:ff9b:1::a00:1]/', // local-use NAT64
      'http://[2002:7f00:1::1]/', // 6to4
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // Teredo, client 127.0.0.1
    ];
    for (const url of urls) {
      for (const target of [
        { type: 'http', url },
        { type: 'slack', url },
        { type: 'ua', trackingId: 'UA-12345678-1', baseUrl: url },
        { type: 'email', to: 'a@example.com', smtpUrl: url.replace(/^http:/, 'smtp:') },
      ]) {
        const answer = await create(target);
        // The document cannot say which hosts are private: a rule beyond the schema, so a 422.
        assert.equal(answer.status, 422, `${JSON.stringify(target)}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, 'unprocessable');
        assert.match(answer.body.error.message, /^target\.(url|baseUrl|smtpUrl): .* is a private address/, url);
      }
    }
    assert.equal(await hookflow.mongo.collection('hooks').countDocuments(), 0);
  });

  it('refuses a malformed smtpUrl with a 422 before judging its host', async () => {
    for (const smtpUrl of ['smtp://host:abc', 'smtp://host:99999', 'smtp://%zz']) {
      const answer = await create({ type: 'email', to: 'a@example.com', smtpUrl });
      assert.equal(answer.status, 422, `${smtpUrl}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.error.message, /^target\.smtpUrl: must be a URL with a valid host/);
    }
  });

  it('still takes a public IPv6 address', async () => {
    const answer = await create({ type: 'http', url: 'https://[2606:4700:4700::1111]/hook' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  });
});
