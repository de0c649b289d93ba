import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { LookupAddress } from 'node:dns';
import { createHttpClient, guardedLookup, MAX_RESPONSE_BODY_BYTES } from '../activities/http/client';
import { PrivateAddressError } from '../core/address-guard';

/** What Universal Analytics answers a hit with: a 1x1 GIF, NUL bytes included. */
const ONE_PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The outbound client against a local server that misbehaves on purpose. */
describe('outbound HTTP client', () => {
  let server: Server;
  let base: string;
  const open = createHttpClient({ allowPrivateTargets: true });
  const guarded = createHttpClient({ allowPrivateTargets: false });

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 2_000);
      else if (req.url === '/huge') res.end('x'.repeat(1024 * 1024));
      else if (req.url === '/pixel') res.writeHead(200, { 'content-type': 'image/gif' }).end(ONE_PIXEL_GIF);
      else res.writeHead(200, { 'x-answer': 'yes' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await Promise.all([open.close(), guarded.close()]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (client: typeof open, path: string, timeoutMs = 5_000) =>
    client.send({ url: `${base}${path}`, method: 'POST', headers: {}, body: '{}', timeoutMs });

  it('returns the status, headers and body of an answer', async () => {
    const result = await send(open, '/ok');
    assert.equal(result.kind, 'response');
    assert.ok(result.kind === 'response');
    assert.equal(result.statusCode, 200);
    assert.equal(result.headers['x-answer'], 'yes');
    assert.equal(result.body, 'ok');
  });

  it('records a binary answer as text every store can hold: no NUL characters', async () => {
    const result = await send(open, '/pixel');
    assert.ok(result.kind === 'response');
    assert.ok(result.body.startsWith('GIF89a'));
    assert.ok(!result.body.includes('\0'), JSON.stringify(result.body));
    assert.ok(result.body.includes('\uFFFD'));
  });

  it('does not follow redirects', async () => {
    const result = await send(open, '/redirect');
    assert.ok(result.kind === 'response');
    assert.equal(result.statusCode, 302);
  });

  it('keeps only the first 4 KiB of a large answer', async () => {
    const result = await send(open, '/huge');
    assert.ok(result.kind === 'response');
    assert.equal(result.body.length, MAX_RESPONSE_BODY_BYTES);
  });

  it('gives up after the timeout and says so', async () => {
    const result = await send(open, '/slow', 200);
    assert.deepEqual(result.kind === 'error' && result.errorKind, 'timeout');
  });

  it('reports a refused connection as a connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await open.send({ url: `http://127.0.0.1:${port}/`, method: 'POST', headers: {}, timeoutMs: 2_000 });
    assert.deepEqual(result.kind === 'error' && result.errorKind, 'connection');
  });

  it('refuses private addresses, by IP or by a name that resolves to one, unless allowed', async () => {
    const byIp = await send(guarded, '/ok');
    assert.deepEqual(byIp.kind === 'error' && byIp.errorKind, 'private_address');
    const port = new URL(base).port;
    const byName = await guarded.send({
      url: `http://localhost:${port}/ok`,
      method: 'GET',
      headers: {},
      timeoutMs: 2_000,
    });
    assert.deepEqual(byName.kind === 'error' && byName.errorKind, 'private_address');
  });

  it('refuses a name that resolves to an IPv6 form of a private IPv4 address, before connecting', async () => {
    // The resolver is a stand-in that answers at once: nothing is dialled, whatever the guard decides.
    const answers = [
      '::127.0.0.1',
      '::ffff:0:7f00:1',
      '::a9fe:a9fe',
      '::ffff:169.254.169.254',
      '64:ff9b:1::a00:1',
      '2002:a9fe:a9fe::1',
      '2001:0:4136:e378:8000:63bf:80ff:fffe',
      'fe80::1%eth0',
    ];
    for (const answer of answers) {
      const lookup = guardedLookup((_name, _options, callback) =>
        callback(null, [
          { address: '2606:4700:4700::1111', family: 6 },
          { address: answer, family: 6 },
        ]),
      );
      const outcome = await new Promise<{ error: Error | null; address: string | LookupAddress[] }>((resolve) =>
        lookup('hooks.example.test', { all: true }, (error, address) => resolve({ error, address })),
      );
      assert.ok(outcome.error instanceof PrivateAddressError, answer);
      assert.equal(outcome.error.address, answer);
    }
    const publicOnly = guardedLookup((_name, _options, callback) =>
      callback(null, [{ address: '2606:4700:4700::1111', family: 6 }]),
    );
    const address = await new Promise<string | LookupAddress[]>((resolve, reject) =>
      publicOnly('hooks.example.test', {}, (error, found) => (error ? reject(error) : resolve(found))),
    );
    assert.equal(address, '2606:4700:4700::1111');
  });
});
