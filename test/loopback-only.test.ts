import assert from 'node:assert/strict';
import dns from 'node:dns';
import net, { Socket } from 'node:net';
import { describe, it } from 'node:test';

// Every connect the jail lets through lands here, and none goes out: the test itself sends nothing anywhere.
const passed: unknown[] = [];
(Socket.prototype as unknown as { connect: (...args: unknown[]) => Socket }).connect = function (
  this: Socket,
  ...args: unknown[]
) {
  passed.push(args);
  process.nextTick(() => this.destroy(new Error('stub')));
  return this;
};

describe('the loopback-only preload of the fuzz worker', async () => {
  // Loaded after the stub above, as --require loads it before the worker's code.
  await import('./support/loopback-only.js');

  const outcome = (socket: Socket) =>
    new Promise<string>((resolve) => socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? '')));

  it('refuses sockets to any host but loopback before they are opened', async () => {
    for (const host of ['93.184.215.14', 'example.com', '10.0.0.1', '[2001:db8::1]', '::ffff:8.8.8.8']) {
      passed.length = 0;
      assert.equal(await outcome(net.connect({ host, port: 443 })), 'ECONNREFUSED', host);
      assert.equal(passed.length, 0, `${host} reached connect()`);
    }
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost']) {
      passed.length = 0;
      await outcome(net.connect({ host, port: 9 }));
      assert.equal(passed.length, 1, `${host} should pass`);
    }
  });

  it('answers name lookups for anything but localhost with ENOTFOUND, asking no resolver', async () => {
    await assert.rejects(dns.promises.lookup('example.com'), { code: 'ENOTFOUND' });
    const code = await new Promise((resolve) => dns.lookup('example.com', (error) => resolve(error?.code)));
    assert.equal(code, 'ENOTFOUND');
    assert.deepEqual(dns.getServers(), ['127.0.0.1:9']);
  });
});
