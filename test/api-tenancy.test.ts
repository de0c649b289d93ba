import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppDependencies } from '../api/dependencies';
import { apiRoutes } from '../api/routes';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** Every route, as the API declares them: the tests below walk this list, so a new route cannot skip them. */
const ROUTES = apiRoutes({ config: { temporal: {} } } as unknown as AppDependencies).map((r) => ({
  method: r.method.toUpperCase(),
  path: r.path,
  access: r.access,
}));

describe('authentication and tenant isolation', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  /** Owner B's resources, which owner A must never reach. */
  const ofB: Record<string, string> = {};

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    a = await hookflow.createOwner('Alice');
    b = await hookflow.createOwner('Bob');
    const hook = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'B', events: ['*'], target: { type: 'http', url: `${receiver.url}/b` } },
      { key: b.apiKey },
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const event = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'follow', data: { user: {} } },
      { key: b.apiKey },
    );
    assert.equal(event.status, 202, JSON.stringify(event.body));
    const deliveries = await eventually(async () => {
      const listed = await hookflow.request('GET', `/v1/deliveries?eventId=${event.body.id}`, undefined, {
        key: b.apiKey,
      });
      assert.equal(listed.body.data.length, 1);
      return listed;
    });
    Object.assign(ofB, { hook: hook.body.id, event: event.body.id, delivery: deliveries.body.data[0].id });
    const replay = await hookflow.request('POST', `/v1/deliveries/${ofB.delivery}/replay`, {}, { key: b.apiKey });
    assert.equal(replay.status, 202, JSON.stringify(replay.body));
    ofB.replay = replay.body.id;
    const schedule = await hookflow.request(
      'POST',
      '/v1/replay-schedules',
      { hookId: ofB.hook, every: '1h', window: '1h' },
      { key: b.apiKey },
    );
    assert.equal(schedule.status, 201, JSON.stringify(schedule.body));
    ofB.schedule = schedule.body.id;
  });

  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  /** Fills a route's path with B's ids, so that A's call aims at B's data. */
  function pathForB(path: string): string {
    const kind = path.split('/')[2];
    const ids: Record<string, string | undefined> = {
      owners: b.id,
      hooks: ofB.hook,
      events: ofB.event,
      deliveries: ofB.delivery,
      replays: ofB.replay,
      'replay-schedules': ofB.schedule,
    };
    const id = ids[kind ?? ''] ?? 'x';
    return path.replace(':id', id).replace(':keyId', 'key_x');
  }

  it('refuses every non-public route without a key, with a bad key, or with a revoked key', async () => {
    const extra = await hookflow.request('POST', `/v1/owners/${a.id}/keys`);
    assert.equal(extra.status, 201);
    assert.equal((await hookflow.request('GET', '/v1/hooks', undefined, { key: extra.body.apiKey })).status, 200);
    const revoked = await hookflow.request('DELETE', `/v1/owners/${a.id}/keys/${extra.body.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);

    for (const route of ROUTES.filter((r) => r.access !== 'public')) {
      for (const key of [null, 'hfk_not-a-real-key', extra.body.apiKey as string]) {
        const answer = await hookflow.request(route.method, pathForB(route.path), undefined, { key });
        assert.equal(answer.status, 401, `${route.method} ${route.path} with key ${key}`);
        assert.equal(answer.body.error.code, 'unauthorized');
      }
    }
  });

  /** A body each route would accept, so that only the ownership check can refuse it. */
  function validBodyFor(route: { method: string; path: string }): unknown {
    const past = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    if (route.path.endsWith('/recover')) return { since: past(24) };
    if (route.path.endsWith('/backfill')) return { start: past(2), end: past(1) };
    if (route.path.startsWith('/v1/replay-schedules/') && route.method === 'PATCH') return { paused: true };
    if (route.method === 'PATCH') return { name: 'stolen' };
    return route.method === 'POST' ? {} : undefined;
  }

  it("answers 404 when owner A names any of owner B's resources", async () => {
    const withIds = ROUTES.filter((r) => r.access === 'tenant' && r.path.includes(':id'));
    assert.ok(withIds.length >= 9, 'every hook, event and delivery route with an id is checked');
    for (const route of withIds) {
      const body = validBodyFor(route);
      const answer = await hookflow.request(route.method, pathForB(route.path), body, { key: a.apiKey });
      assert.equal(answer.status, 404, `${route.method} ${route.path}: ${JSON.stringify(answer.body)}`);
    }
    // B's data is untouched by A's attempts.
    const hook = await hookflow.request('GET', `/v1/hooks/${ofB.hook}`, undefined, { key: b.apiKey });
    assert.equal(hook.body.name, 'B');
    assert.equal(hook.body.status, 'enabled');
    const schedules = await hookflow.request('GET', '/v1/replay-schedules', undefined, { key: b.apiKey });
    assert.deepEqual(
      schedules.body.data.map((s: { id: string; paused: boolean }) => [s.id, s.paused]),
      [[ofB.schedule, false]],
    );
    const removed = await hookflow.request('DELETE', `/v1/replay-schedules/${ofB.schedule}`, undefined, {
      key: b.apiKey,
    });
    assert.equal(removed.status, 204);
  });

  it("never lists B's data to A, and refuses to write in B's name", async () => {
    for (const path of ['/v1/hooks', '/v1/events', '/v1/deliveries']) {
      const listed = await hookflow.request('GET', path, undefined, { key: a.apiKey });
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.data, [], path);
    }
    const asB = await hookflow.request('GET', `/v1/hooks?ownerId=${b.id}`, undefined, { key: a.apiKey });
    assert.deepEqual(asB.body.data, []);

    const hookForB = await hookflow.request(
      'POST',
      '/v1/hooks',
      { ownerId: b.id, name: 'x', events: ['*'], target: { type: 'http', url: `${receiver.url}/x` } },
      { key: a.apiKey },
    );
    assert.equal(hookForB.status, 404);
    const eventForB = await hookflow.request(
      'POST',
      '/v1/events',
      { ownerId: b.id, type: 'follow', data: { user: {} } },
      { key: a.apiKey },
    );
    assert.equal(eventForB.status, 404);
  });

  it('keeps admin routes for the admin key', async () => {
    for (const route of ROUTES.filter((r) => r.access === 'admin')) {
      const answer = await hookflow.request(
        route.method,
        pathForB(route.path),
        route.method === 'POST' ? {} : undefined,
        {
          key: a.apiKey,
        },
      );
      assert.equal(answer.status, 403, `${route.method} ${route.path}`);
    }
  });

  it('refuses bad owners with a 400 naming the field, and unknown owners with a 404', async () => {
    for (const [body, message] of [
      [{ name: 'x', email: 'not-an-email' }, /email/],
      [{ name: '', email: 'a@b.test' }, /name/],
      [{ name: 'x', email: 'a@b.test', role: 'root' }, /role/],
    ] as const) {
      const answer = await hookflow.request('POST', '/v1/owners', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error.message, message);
    }
    assert.equal((await hookflow.request('GET', '/v1/owners/own_missing')).status, 404);
    assert.equal((await hookflow.request('POST', '/v1/owners/own_missing/keys')).status, 404);
    assert.equal((await hookflow.request('DELETE', `/v1/owners/${a.id}/keys/key_missing`)).status, 404);
  });

  it('stores API keys only as digests, shown once', async () => {
    const raw = await hookflow.mongo.collection('api_keys').find({ ownerId: a.id }).toArray();
    assert.ok(raw.length >= 1);
    for (const doc of raw) {
      assert.doesNotMatch(JSON.stringify(doc), new RegExp(a.apiKey.slice(4, 20)));
      assert.match(doc.hash as string, /^[0-9a-f]{64}$/);
    }
    const owner = await hookflow.request('GET', `/v1/owners/${a.id}`);
    assert.equal(owner.body.apiKey, undefined);
    assert.equal(owner.body.apiKeys[0].hint, a.apiKey.slice(-4));
    assert.doesNotMatch(JSON.stringify(owner.body), new RegExp(a.apiKey.slice(4, 20)));
  });

  it('documents every route in /openapi.json and /docs, open to anyone', async () => {
    const spec = await hookflow.request('GET', '/openapi.json', undefined, { key: null });
    assert.equal(spec.status, 200);
    assert.equal(spec.body.openapi, '3.1.0');
    for (const route of ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      assert.ok(spec.body.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is documented`);
    }
    const docs = await fetch(`${hookflow.url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
    const html = await docs.text();
    assert.match(html, /\/v1\/hooks\/\{id\}\/rotate-secret/);
  });

  it('tags every answer with a request id, echoing a sane one the caller sent', async () => {
    const answer = await hookflow.request('GET', '/v1/hooks/hook_missing', undefined, {
      headers: { 'x-request-id': 'trace-123' },
    });
    assert.equal(answer.headers.get('x-request-id'), 'trace-123');
    assert.equal(answer.body.error.requestId, 'trace-123');
    const generated = await hookflow.request('GET', '/v1/hooks');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
