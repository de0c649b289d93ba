import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';

describe('event types API', () => {
  let hookflow: Hookflow;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow();
    owner = await hookflow.createOwner('Reader');
  });
  after(() => hookflow?.stop());

  it('lists the default catalogue of the seed products to owners', async () => {
    const listed = await hookflow.request('GET', '/v1/event-types', undefined, { key: owner.apiKey });
    assert.equal(listed.status, 200);
    const names = listed.body.data.map((t: { name: string }) => t.name);
    for (const name of [
      'resource.created',
      'resource.deleted',
      'follow',
      'reaction',
      'onDeviceRegister',
      'onNotificationFailure',
      'dataset-downloaded',
      'visualization-published',
    ]) {
      assert.ok(names.includes(name), name);
    }
    const created = listed.body.data.find((t: { name: string }) => t.name === 'resource.created');
    assert.ok(created.resourceTypes.includes('project'));
  });

  it('lets the admin register a type with a JSON Schema, then subscribe to it', async () => {
    const registered = await hookflow.request('POST', '/v1/event-types', {
      name: 'order.shipped',
      description: 'An order left the warehouse',
      schema: { type: 'object', required: ['orderId'] },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.deepEqual(registered.body.schema, { type: 'object', required: ['orderId'] });
    assert.equal((await hookflow.request('POST', '/v1/event-types', { name: 'order.shipped' })).status, 409);

    const hook = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'orders', events: ['order.shipped'], target: { type: 'http', url: 'http://127.0.0.1:9/orders' } },
      { key: owner.apiKey },
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
  });

  it('refuses bad event types with a 4xx naming the field', async () => {
    // A schema that is a JSON object but not a usable JSON Schema breaks a rule the document cannot state: 422.
    const cases: [unknown, number, RegExp][] = [
      [{ name: 'order.*' }, 400, /name/],
      [{ name: '' }, 400, /name/],
      [{ name: 'x.y', schema: { type: 'no-such-type' } }, 422, /schema/],
      [{ name: 'x.y', colour: 'red' }, 400, /colour/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await hookflow.request('POST', '/v1/event-types', body);
      assert.equal(answer.status, status, JSON.stringify(body));
      assert.match(answer.body.error.message, message);
    }
  });

  it('validates a catastrophic-backtracking pattern in linear time, the API answering other requests meanwhile', async (t) => {
    const registered = await hookflow.request('POST', '/v1/event-types', {
      name: 'code.entered',
      schema: {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a+)+$' } },
        patternProperties: { '^(b+)+$': { type: 'string' } },
      },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const asOwner = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });

    // JavaScript's RegExp takes about 2^n steps to refuse n a's then a "!": 18 s and more at 30 on this kind of
    // machine, and far beyond any test's patience at 60 (the test run hangs there without the fix).
    for (const length of [30, 60]) {
      const started = performance.now();
      const [refused, health] = await Promise.all([
        asOwner('POST', '/v1/events', { type: 'code.entered', data: { code: `${'a'.repeat(length)}!` } }),
        hookflow.request('GET', '/healthz', undefined, { key: null }),
      ]);
      t.diagnostic(`${length} a's and a "!": answered in ${Math.round(performance.now() - started)} ms`);
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.error.details, [{ path: 'data.code', message: 'must match pattern "^(a+)+$"' }]);
      assert.equal(health.status, 200);

      const accepted = await asOwner('POST', '/v1/events', {
        type: 'code.entered',
        data: { code: 'a'.repeat(length) },
      });
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      const key = await asOwner('POST', '/v1/events', {
        type: 'code.entered',
        data: { [`${'b'.repeat(length)}!`]: 1, ['b'.repeat(length)]: 2 },
      });
      assert.equal(key.status, 422, JSON.stringify(key.body));
      assert.deepEqual(key.body.error.details, [{ path: `data.${'b'.repeat(length)}`, message: 'must be string' }]);
    }
  });

  it("bounds RE2's work per event: a huge pattern program on a large value is refused, an everyday one is not", async () => {
    const registered = await hookflow.request('POST', '/v1/event-types', {
      name: 'blob.sent',
      schema: {
        type: 'object',
        properties: { huge: { type: 'string', pattern: '[ab]{999}'.repeat(30) }, word: { pattern: '^[a-z]+$' } },
      },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const asOwner = (body: unknown) => hookflow.request('POST', '/v1/events', body, { key: owner.apiKey });

    // Without the budget, RE2 simulating this 29,972-instruction program over 200,000 characters held the loop
    // 25 s (measured in this test).
    const [costly, health] = await Promise.all([
      asOwner({ type: 'blob.sent', data: { huge: 'a'.repeat(200_000) } }),
      hookflow.request('GET', '/healthz', undefined, { key: null }),
    ]);
    assert.equal(costly.status, 422, JSON.stringify(costly.body.error));
    assert.equal(costly.body.error.code, 'schema_too_costly');
    assert.match(
      costly.body.error.message,
      /^data: too large for the patterns of the schema of event type "blob\.sent"/,
    );
    assert.equal(health.status, 200);

    const short = await asOwner({ type: 'blob.sent', data: { huge: 'ab' } });
    assert.equal(short.body.error.code, 'schema_mismatch', 'a short value is matched, and does not match');
    const everyday = await asOwner({ type: 'blob.sent', data: { word: 'a'.repeat(200_000) } });
    assert.equal(everyday.status, 202, JSON.stringify(everyday.body.error));
  });

  it('refuses patterns RE2 cannot run in linear time, naming the pattern', async () => {
    const patterns: [schema: Record<string, unknown>, pattern: string][] = [
      [{ type: 'string', pattern: '^(?=.*\\d)\\w+$' }, '^(?=.*\\d)\\w+$'],
      [{ properties: { word: { type: 'string', pattern: '^(\\w)\\1$' } } }, '^(\\w)\\1$'],
      [{ patternProperties: { '^(?!internal)': { type: 'string' } } }, '^(?!internal)'],
      [{ $defs: { tag: { type: 'string', pattern: '(?<=#)\\w+' } }, items: { $ref: '#/$defs/tag' } }, '(?<=#)\\w+'],
    ];
    for (const [schema, pattern] of patterns) {
      const answer = await hookflow.request('POST', '/v1/event-types', { name: 'pattern.refused', schema });
      // A rule JSON Schema cannot state about a schema: 422, as the document says.
      assert.equal(answer.status, 422, JSON.stringify(schema));
      assert.equal(answer.body.error.code, 'unprocessable');
      assert.ok(answer.body.error.message.startsWith('schema: '), answer.body.error.message);
      assert.ok(
        answer.body.error.message.includes(`pattern ${JSON.stringify(pattern)} cannot run in linear time`),
        answer.body.error.message,
      );
    }
    const listed = await hookflow.request('GET', '/v1/event-types');
    assert.ok(!listed.body.data.some((t: { name: string }) => t.name === 'pattern.refused'));
  });

  it('refuses schemas over 64 KiB, over 32 levels deep, or that grow past 64 KiB through their $refs', async () => {
    const tenLevels = (level: number): Record<string, unknown> => ({
      allOf: Array.from({ length: 10 }, () => ({ $ref: `#/$defs/l${level - 1}` })),
    });
    const laughs = {
      $defs: Object.fromEntries([
        ['l0', { type: 'string' }],
        ...[1, 2, 3, 4, 5, 6].map((l) => [`l${l}`, tenLevels(l)]),
      ]),
      $ref: '#/$defs/l6',
    };
    const cases: [schema: unknown, message: RegExp][] = [
      [
        { properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`field${i}`, { type: 'string' }])) },
        /^schema: \d+ bytes of JSON; a schema may have at most 65536 \(64 KiB\)/,
      ],
      [JSON.parse(`${'{"items":'.repeat(34)}{}${'}'.repeat(34)}`), /^schema: nested deeper than 32 levels/],
      [laughs, /^schema\.\$defs\.l\d\.allOf: larger than 65536 bytes \(64 KiB\) of JSON, counting each \$ref/],
      [
        { $defs: { node: { properties: { child: { $ref: '#/$defs/node' } } } }, $ref: '#/$defs/node' },
        /recursive schemas are not supported/,
      ],
      [{ $ref: 'https://example.com/schema.json' }, /^schema\.\$ref: .*only JSON-pointer references within the schema/],
    ];
    for (const [schema, message] of cases) {
      const answer = await hookflow.request('POST', '/v1/event-types', { name: 'schema.refused', schema });
      assert.equal(answer.status, 422, String(message));
      assert.match(answer.body.error.message, message);
    }
    const within = await hookflow.request('POST', '/v1/event-types', {
      name: 'schema.within',
      schema: {
        properties: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`field${i}`, { type: 'string' }])),
      },
    });
    assert.equal(within.status, 201, JSON.stringify(within.body));
  });
});
