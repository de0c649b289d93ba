import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { REPO_ROOT } from '../scripts/devstack/paths';
import { hookflowOpenApiDocument } from '../scripts/openapi-document';
import { eventually } from './support/eventually';
import { startFlakyProxy } from './support/flaky-proxy';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

type Sdk = typeof import('../sdk/typescript/src/index.js');

const PACKAGE_DIR = join(REPO_ROOT, 'sdk', 'typescript');
const BUILT_ENTRY = join(PACKAGE_DIR, 'dist', 'index.js');

describe('The TypeScript SDK, built and loaded as a package', () => {
  let sdk: Sdk;
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: InstanceType<Sdk['Hookflow']>;
  let client: InstanceType<Sdk['Hookflow']>;
  let ownerKey: string;
  let hook: Awaited<ReturnType<InstanceType<Sdk['Hookflow']>['hooks']['create']>>;

  before(async () => {
    // The package's own build, as its users' install would run it; then the built ES module, by import().
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: PACKAGE_DIR });
    sdk = (await import(pathToFileURL(BUILT_ENTRY).href)) as Sdk;
    hookflow = await startHookflow();
    receiver = await startReceiver();
    admin = new sdk.Hookflow({ baseUrl: hookflow.url, apiKey: hookflow.config.adminKey });
    const owner = await admin.owners.create({ name: 'SDK user', email: 'sdk@example.test' });
    ownerKey = owner.apiKey;
    client = new sdk.Hookflow({ baseUrl: hookflow.url, apiKey: ownerKey });
    await admin.eventTypes.create({ name: 'order.created', description: 'An order was placed' });
    hook = await client.hooks.create({
      name: 'Orders',
      events: ['order.*'],
      target: { type: 'http', url: `${receiver.url}/orders` },
    });
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  it('has a method for every operation of the document that answers JSON or nothing', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(hookflowOpenApiDocument().paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const [status, answer] = Object.entries(operation.responses).find(([code]) => code.startsWith('2'))!;
        if (status !== '204' && answer.content?.['application/json'] === undefined) continue;
        const [resource, action] = operation.operationId.split('.') as [string, string];
        const namespace = (client as unknown as Record<string, Record<string, unknown> | undefined>)[resource];
        if (typeof namespace?.[action] !== 'function')
          missing.push(`${method.toUpperCase()} ${path}: ${resource}.${action}`);
      }
    }
    assert.deepEqual(missing, [], 'run `npm run sdk:generate`');
    assert.equal(typeof client.hooks.rotateSecret, 'function');
  });

  it('loads with require() too, as the CommonJS root package would', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const required = require(BUILT_ENTRY) as Sdk;
    assert.equal(typeof required.Hookflow, 'function');
    assert.equal(typeof required.verifyWebhook, 'function');
  });

  it('posts events that are delivered, signed so that verifyWebhook accepts them and refuses a tampered one', async () => {
    const event = await client.events.create({ type: 'order.created', data: { orderId: 1 } });
    assert.equal(event.type, 'order.created');
    const [request] = await receiver.waitForRequests(1);
    const payload = sdk.verifyWebhook(hook.secret, request!.headers, request!.body);
    assert.deepEqual(payload, JSON.parse(request!.body));
    assert.match(request!.body, /"orderId":1/);
    assert.throws(
      () => sdk.verifyWebhook(hook.secret, request!.headers, request!.body.replace('"orderId":1', '"orderId":2')),
      sdk.WebhookVerificationError,
    );
    const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    assert.throws(
      () => sdk.verifyWebhook(otherSecret, request!.headers, request!.body),
      (error: unknown) => error instanceof sdk.WebhookVerificationError && error.code === 'webhook_not_verified',
    );
  });

  it('checks an old request by its signature alone when asked, as for one saved earlier', () => {
    const body = JSON.stringify({ type: 'order.created', data: { orderId: 99 } });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const headers = {
      'webhook-id': 'msg_saved',
      'webhook-timestamp': String(Math.floor(anHourAgo.getTime() / 1000)),
      'webhook-signature': new Webhook(hook.secret).sign('msg_saved', anHourAgo, body),
    };
    assert.throws(() => sdk.verifyWebhook(hook.secret, headers, body), /too old/);
    const options = { checkTimestamp: false };
    assert.deepEqual(sdk.verifyWebhook(hook.secret, headers, body, options), JSON.parse(body));
    const tampered = body.replace('99', '98');
    assert.throws(() => sdk.verifyWebhook(hook.secret, headers, tampered, options), sdk.WebhookVerificationError);
    const relabelled = { ...headers, 'webhook-id': 'msg_other' };
    assert.throws(() => sdk.verifyWebhook(hook.secret, relabelled, body, options), sdk.WebhookVerificationError);
  });

  it('lists deliveries with a filter across pages, lazily, and reads one page and one delivery', async () => {
    for (const orderId of [2, 3, 4]) await client.events.create({ type: 'order.created', data: { orderId } });
    await receiver.waitForRequests(4);
    const filter = { hookId: hook.id, status: 'succeeded', limit: 2 } as const;
    const succeeded = await eventually(async () => {
      const all = await client.deliveries.list(filter).toArray();
      assert.equal(all.length, 4);
      return all;
    });
    assert.ok(succeeded.every((delivery) => delivery.hookId === hook.id && delivery.status === 'succeeded'));
    assert.equal(new Set(succeeded.map((delivery) => delivery.id)).size, 4, 'no delivery twice across pages');

    const pages: number[] = [];
    for await (const page of client.deliveries.list(filter).pages()) pages.push(page.data.length);
    assert.deepEqual(pages, [2, 2]);
    const first = await client.deliveries.list(filter).firstPage();
    assert.equal(first.data.length, 2);
    assert.ok(first.nextCursor);
    const second = await client.deliveries.list({ ...filter, cursor: first.nextCursor }).firstPage();
    assert.deepEqual(
      [...first.data, ...second.data].map((delivery) => delivery.id),
      succeeded.map((delivery) => delivery.id),
    );

    const delivery = await client.deliveries.get(succeeded[0]!.id);
    assert.equal(delivery.id, succeeded[0]!.id);
    assert.equal(delivery.hookId, hook.id);
    assert.ok(delivery.attempts.length >= 1);
  });

  it('replays a delivery, which arrives again', async () => {
    const [latest] = (await client.deliveries.list({ hookId: hook.id, limit: 1 }).firstPage()).data;
    const before = receiver.requests.length;
    const replay = await client.replays.delivery(latest!.id);
    assert.equal(replay.kind, 'delivery');
    await receiver.waitForRequests(before + 1);
    const done = await eventually(async () => {
      const current = await client.replays.get(replay.id);
      assert.equal(current.status, 'completed');
      return current;
    });
    assert.equal(done.succeeded, 1);
  });

  it('throws typed errors carrying the API code, the details and the request id', async () => {
    await assert.rejects(client.hooks.get('hook_missing'), (error: unknown) => {
      assert.ok(error instanceof sdk.NotFoundError);
      assert.ok(error instanceof sdk.HookflowError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'not_found');
      assert.match(error.requestId ?? '', /\S/);
      return true;
    });
    await assert.rejects(client.deliveries.list({ limit: 0 }).firstPage(), (error: unknown) => {
      assert.ok(error instanceof sdk.ValidationError);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'validation_failed');
      assert.match(JSON.stringify(error.details), /limit/);
      assert.match(error.requestId ?? '', /\S/);
      return true;
    });
    await assert.rejects(client.owners.list().firstPage(), sdk.PermissionError);
    const stranger = new sdk.Hookflow({ baseUrl: hookflow.url, apiKey: 'hfk_not_a_key' });
    await assert.rejects(stranger.hooks.list().firstPage(), sdk.AuthenticationError);
  });

  it('retries a 503 and a 429 after their Retry-After, with one Idempotency-Key: the event is stored once', async () => {
    const retryAfter = { 'retry-after': '1' };
    const proxy = await startFlakyProxy(hookflow.url, [
      // The API stores the event, but the answer is lost: only the key makes the retries harmless.
      { status: 503, headers: retryAfter, forwardFirst: true },
      { status: 429, headers: retryAfter },
    ]);
    try {
      const viaProxy = new sdk.Hookflow({ baseUrl: proxy.url, apiKey: ownerKey });
      const started = Date.now();
      const event = await viaProxy.events.create({ type: 'order.created', data: { orderId: 'retried' } });
      assert.ok(Date.now() - started >= 1900, 'waited the two Retry-After seconds');
      assert.equal(proxy.requests.length, 3);
      const keys = proxy.requests.map((request) => request.headers['idempotency-key']);
      assert.equal(typeof keys[0], 'string', 'an Idempotency-Key was sent');
      assert.deepEqual(keys, [keys[0], keys[0], keys[0]]);

      const stored = await client.events.list({ type: 'order.created' }).toArray();
      const retried = stored.filter((each) => (each.data as { orderId?: unknown }).orderId === 'retried');
      assert.deepEqual(
        retried.map((each) => each.id),
        [event.id],
      );
    } finally {
      await proxy.close();
    }
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const proxy = await startFlakyProxy(hookflow.url, [
      { status: 503, headers: { 'retry-after': new Date(Date.now() + 2_000).toUTCString() } },
    ]);
    try {
      const viaProxy = new sdk.Hookflow({ baseUrl: proxy.url, apiKey: ownerKey });
      const started = Date.now();
      assert.equal((await viaProxy.hooks.get(hook.id)).id, hook.id);
      // The date has whole seconds: at least one of the two is left when the answer comes.
      assert.ok(Date.now() - started >= 900, 'waited until the date');
      assert.equal(proxy.requests.length, 2);
    } finally {
      await proxy.close();
    }
  });

  it("uses an event's own id, or the caller's key, as the Idempotency-Key: a repeat answers the original", async () => {
    const named = { id: 'order-7', type: 'order.created', data: { orderId: 7 } };
    const first = await client.events.create(named);
    assert.equal(first.id, (await client.events.create(named)).id);
    const keyed = { type: 'order.created', data: { orderId: 8 } };
    const once = await client.events.create(keyed, { idempotencyKey: 'order-8-post' });
    const again = await client.events.create(keyed, { idempotencyKey: 'order-8-post' });
    assert.equal(again.id, once.id);
    assert.notEqual(once.id, first.id);
  });

  it('sends a request again after a cut connection, and gives up once its retries are spent', async () => {
    const proxy = await startFlakyProxy(hookflow.url, [
      'drop',
      'forward',
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 400 },
    ]);
    try {
      const viaProxy = new sdk.Hookflow({ baseUrl: proxy.url, apiKey: ownerKey, maxRetries: 1 });
      assert.equal((await viaProxy.hooks.get(hook.id)).id, hook.id, 'the retry after the cut answered');
      await assert.rejects(viaProxy.hooks.get(hook.id), (error: unknown) => {
        assert.ok(error instanceof sdk.ServiceUnavailableError);
        assert.equal(error.retryAfterSeconds, 1);
        return true;
      });
      await assert.rejects(viaProxy.hooks.get(hook.id), sdk.ValidationError);
      // The cut and its retry, the two 503s (one retry), the 400 (never retried).
      assert.equal(proxy.requests.length, 5);
    } finally {
      await proxy.close();
    }
  });

  it('does not send a POST without an Idempotency-Key again after a 503 or a cut: it may have done its work', async () => {
    const proxy = await startFlakyProxy(hookflow.url, [
      { status: 503, headers: { 'retry-after': '1' }, forwardFirst: true },
      'drop',
      { status: 429, headers: { 'retry-after': '1' } },
    ]);
    try {
      const viaProxy = new sdk.Hookflow({ baseUrl: proxy.url, apiKey: ownerKey });
      const create = (name: string) =>
        viaProxy.hooks.create({ name, events: ['order.*'], target: { type: 'http', url: `${receiver.url}/x` } });
      await assert.rejects(create('Lost answer'), sdk.ServiceUnavailableError);
      await assert.rejects(create('Cut'), sdk.ConnectionError);
      // A 429 refused it before it did anything: that one is sent again.
      assert.equal((await create('Refused first')).name, 'Refused first');
      assert.equal(proxy.requests.length, 4, 'one try each for the 503 and the cut, two for the 429');
      const names = (await client.hooks.list().toArray()).map((each) => each.name);
      assert.equal(names.filter((name) => name === 'Lost answer').length, 1, 'made once, before its answer was lost');
      assert.equal(names.filter((name) => name === 'Refused first').length, 1);
    } finally {
      await proxy.close();
    }
  });

  it("stops at the caller's abort signal, even while waiting to retry", async () => {
    const proxy = await startFlakyProxy(hookflow.url, [{ status: 503, headers: { 'retry-after': '30' } }]);
    try {
      const viaProxy = new sdk.Hookflow({ baseUrl: proxy.url, apiKey: ownerKey });
      const controller = new AbortController();
      const call = viaProxy.hooks.get(hook.id, { signal: controller.signal });
      await eventually(() => assert.equal(proxy.requests.length, 1));
      controller.abort();
      await assert.rejects(call, (error: unknown) => error instanceof Error && error.name === 'AbortError');
    } finally {
      await proxy.close();
    }
  });

  it('abandons an attempt after timeoutMs, as a TimeoutError', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 5_000 }));
    try {
      const impatient = new sdk.Hookflow({ baseUrl: slow.url, apiKey: ownerKey, timeoutMs: 200, maxRetries: 1 });
      await assert.rejects(impatient.hooks.get(hook.id), (error: unknown) => {
        assert.ok(error instanceof sdk.TimeoutError);
        assert.ok(error instanceof sdk.ConnectionError);
        return true;
      });
      assert.equal(slow.requests.length, 2, 'the timed-out attempt was tried again');
    } finally {
      await slow.close();
    }
  });

  it('refuses to connect where nothing listens, as a ConnectionError after its retries', async () => {
    const closed = await startFlakyProxy(hookflow.url);
    await closed.close();
    const nowhere = new sdk.Hookflow({ baseUrl: closed.url, apiKey: ownerKey, maxRetries: 1 });
    await assert.rejects(nowhere.hooks.list().firstPage(), (error: unknown) => {
      assert.ok(error instanceof sdk.ConnectionError);
      assert.equal(error.status, undefined);
      return true;
    });
  });
});
