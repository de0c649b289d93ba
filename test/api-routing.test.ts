import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { z } from 'zod';
import { errorHandler, notFoundRoute } from '../api/errors';
import { defineRoute, mountRoutes } from '../api/route';
import { createLogger } from '../infra/logger';
import { BEYOND_SCHEMA } from '../core/schema-rules';

const noon = z.strictObject({
  at: z.iso.datetime().refine((at) => at.endsWith('T12:00:00Z'), { message: 'must be noon', params: BEYOND_SCHEMA }),
  label: z.string().max(5).optional(),
});

/** Two paths, as the real API mounts them: a collection with GET and POST, an item with GET and DELETE. */
const routes = [
  defineRoute({
    method: 'get',
    path: '/v1/things',
    operationId: 'things.list',
    tag: 'Things',
    summary: 'List',
    access: 'public',
    query: z.object({ limit: z.coerce.number().int().min(1).optional() }),
    success: { status: 200, description: 'The things' },
    handle: ({ query }) => Promise.resolve({ query }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/things',
    operationId: 'things.create',
    tag: 'Things',
    summary: 'Create',
    access: 'public',
    body: noon,
    success: { status: 201, description: 'The thing' },
    handle: ({ body }) => Promise.resolve(body),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/things/:id',
    operationId: 'things.get',
    tag: 'Things',
    summary: 'Read',
    access: 'public',
    success: { status: 200, description: 'The thing' },
    handle: ({ params }) => Promise.resolve(params),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/things/:id',
    operationId: 'things.delete',
    tag: 'Things',
    summary: 'Delete',
    access: 'public',
    success: { status: 204, description: 'Deleted' },
    handle: () => Promise.resolve(undefined),
  }),
];

describe('API routing', () => {
  let server: ReturnType<express.Express['listen']>;
  let base: string;

  before(async () => {
    const app = express();
    app.use(express.json());
    mountRoutes(app, routes, () => Promise.reject(new Error('no key needed here')));
    app.use(notFoundRoute);
    app.use(errorHandler(createLogger('silent', 'test')));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('answers another method on a known path with 405, Allow and the error body', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/v1/things', 'GET, POST, HEAD, OPTIONS'],
      ['PATCH', '/v1/things/t1', 'GET, DELETE, HEAD, OPTIONS'],
      ['POST', '/v1/things/t1', 'GET, DELETE, HEAD, OPTIONS'],
    ] as const) {
      const response = await fetch(`${base}${path}`, { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow);
      const body: any = await response.json();
      assert.equal(body.error.code, 'method_not_allowed');
      assert.match(body.error.message, new RegExp(`^${method} is not allowed on `));
    }
    const options = await fetch(`${base}/v1/things`, { method: 'OPTIONS' });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
    // An unknown path is still a 404.
    assert.equal((await fetch(`${base}/v1/nothing`, { method: 'PUT' })).status, 404);
  });

  it('refuses unknown query parameters with a 400 naming them, on routes with a query schema or without', async () => {
    const known = await fetch(`${base}/v1/things?limit=2`);
    assert.equal(known.status, 200);
    assert.deepEqual(await known.json(), { query: { limit: 2 } });
    for (const path of ['/v1/things?limit=2&colour=red', '/v1/things/t1?colour=red']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 400, path);
      const body: any = await response.json();
      assert.equal(body.error.code, 'validation_failed');
      assert.match(body.error.message, /^\(query\): Unrecognized key: "colour"/);
    }
  });

  it('refuses a body that is not JSON with 415, and takes an empty one as {}', async () => {
    const text = await fetch(`${base}/v1/things`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'at=noon',
    });
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as any).error.code, 'unsupported_media_type');
    const empty = await fetch(`${base}/v1/things`, { method: 'POST' });
    assert.equal(empty.status, 400, 'an empty body is validated as {}');
    assert.match(((await empty.json()) as any).error.message, /^at: /);
  });

  it('answers 400 for what breaks the documented shape, 422 when only a rule beyond it is broken', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/v1/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const beyond = await post({ at: '2026-01-01T09:00:00Z' });
    assert.equal(beyond.status, 422);
    assert.deepEqual(((await beyond.json()) as any).error.details, [{ path: 'at', message: 'must be noon' }]);
    const both = await post({ at: '2026-01-01T09:00:00Z', label: 'too long' });
    assert.equal(both.status, 400);
    assert.equal((await post({ at: '2026-01-01T12:00:00Z' })).status, 201);
  });
});
