import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { MAX_JSON_DEPTH } from '../core/storable-json';
import { startHookflow, type Hookflow } from './support/hookflow';

/** Hostile and broken requests: each gets a 4xx naming the problem, never a 500, and leaves nothing behind. */
describe('bad input', () => {
  let hookflow: Hookflow;
  let owner: { id: string; apiKey: string };
  let hookId: string;

  before(async () => {
    // No worker: nothing accepted here needs delivering, and a hook test is refused before it would start.
    hookflow = await startHookflow({ worker: false });
    owner = await hookflow.createOwner('Hostile');
    const hook = await asOwner('POST', '/v1/hooks', {
      name: 'probe',
      events: ['resource.created'],
      target: { type: 'http', url: 'http://127.0.0.1:9/never' },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    hookId = hook.body.id;
  });
  after(async () => {
    await hookflow?.stop();
  });

  const asOwner = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    hookflow.request(method, path, body, { key: owner.apiKey, headers });

  const event = (data: unknown) => ({ type: 'resource.created', data });
  /**
   * `levels` levels of objects and arrays by turns, the outermost an object (`{"a":[{"a":[...]}]}`),
   * as JSON text: JSON.stringify itself overflows the stack at 10,000 levels.
   */
  const nestedJson = (levels: number): string => {
    const opening = Array.from({ length: levels }, (_, level) => (level % 2 ? '[' : '{"a":'));
    const closing = opening.map((open) => (open === '[' ? ']' : '}')).reverse();
    return `${opening.join('')}"bottom"${closing.join('')}`;
  };
  const postJson = (path: string, body: string) => asOwner('POST', path, body, { 'content-type': 'application/json' });
  const countEvents = () => hookflow.mongo.collection('events').countDocuments();

  function assertRefused(answer: { status: number; body: any }, status: number, code: string, message: RegExp) {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, code, JSON.stringify(answer.body));
    assert.match(answer.body.error.message, message);
  }

  it('refuses data keys the store cannot keep ($, ., NUL, __proto__) at any depth, naming key and path', async () => {
    const before = await countEvents();
    const cases: [data: string, path: string, message: RegExp][] = [
      ['{"$where":1}', 'data', /^key "\$where" must not start with "\$"$/],
      ['{"a.b":1}', 'data', /^key "a\.b" must not contain "\."$/],
      ['{"a\\u0000b":1}', 'data', /^key "a\\u0000b" must not contain a NUL character$/],
      ['{"__proto__":{"x":1}}', 'data', /^key "__proto__" must not be "__proto__"$/],
      ['{"x":{"y":{"$gt":""}}}', 'data.x.y', /^key "\$gt"/],
      ['{"list":[1,{"a.b":1}]}', 'data.list.1', /^key "a\.b"/],
      ['{"list":[[{"k\\u0000":1}]]}', 'data.list.0.0', /^key "k\\u0000"/],
      ['{"\\ud800":1}', 'data', /^key "\\ud800" must not hold a lone surrogate/],
    ];
    for (const [data, path, message] of cases) {
      const answer = await postJson('/v1/events', `{"type":"resource.created","data":${data}}`);
      assertRefused(answer, 400, 'validation_failed', new RegExp(`^${path.replace(/\./g, '\\.')}: key`));
      assert.equal(answer.body.error.details.length, 1, data);
      assert.equal(answer.body.error.details[0].path, path, data);
      assert.match(answer.body.error.details[0].message, message, data);
    }

    const batch = await asOwner('POST', '/v1/events/batch', {
      messageId: 'm-1',
      events: [event({ ok: true }), event({ deep: { 'a.b': 1 } })],
    });
    assertRefused(batch, 400, 'validation_failed', /^events\.1\.data\.deep: key "a\.b"/);
    const test = await asOwner('POST', `/v1/hooks/${hookId}/test`, { data: { $where: 'sleep(1)' } });
    assertRefused(test, 400, 'validation_failed', /^data: key "\$where"/);
    assert.equal(await countEvents(), before);
  });

  it('refuses values the store would not give back as sent: numbers out of range, lone surrogates', async () => {
    const before = await countEvents();
    const cases: [data: string, path: string, message: RegExp][] = [
      ['{"n":1e400}', 'data.n', /^must be a finite number/],
      ['{"list":[1,-1e400]}', 'data.list.1', /^must be a finite number/],
      ['{"s":"\\ud83d"}', 'data.s', /^must not hold a lone surrogate/],
      ['{"x":{"y":["ok","\\udfff!"]}}', 'data.x.y.1', /^must not hold a lone surrogate/],
    ];
    for (const [data, path, message] of cases) {
      const answer = await postJson('/v1/events', `{"type":"resource.created","data":${data}}`);
      assertRefused(answer, 400, 'validation_failed', new RegExp(`^${path.replace(/\./g, '\\.')}: `));
      assert.deepEqual(
        answer.body.error.details.map((d: { path: string }) => d.path),
        [path],
        data,
      );
      assert.match(answer.body.error.details[0].message, message, data);
    }
    assert.equal(await countEvents(), before);
  });

  it('stores $ and . in values, and 32 levels of nesting, as given', async () => {
    // data itself is the first level.
    const data = {
      emoji: 'surrogate pair 😀',
      tiny: 5e-324,
      query: '$where',
      path: 'a.b',
      nested: JSON.parse(nestedJson(MAX_JSON_DEPTH - 1)) as unknown,
    };
    const posted = await asOwner('POST', '/v1/events', event(data));
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const read = await asOwner('GET', `/v1/events/${posted.body.id}`);
    assert.deepEqual(read.body.data, data);
  });

  it('refuses a NUL character in any string of the path, the query or the body, naming where', async () => {
    const before = await countEvents();
    const inValue = await asOwner('POST', '/v1/events', event({ note: 'a\u0000b' }));
    assertRefused(inValue, 400, 'validation_failed', /^data\.note: must not contain a NUL character/);
    const inField = await asOwner('POST', '/v1/events', { ...event({}), resourceId: 'r\u0000' });
    assertRefused(inField, 400, 'validation_failed', /^resourceId: must not contain a NUL character/);
    assert.equal(await countEvents(), before);
    assertRefused(await asOwner('GET', '/v1/hooks/hook_%00x'), 400, 'validation_failed', /^path: must not contain/);
    assertRefused(await asOwner('GET', '/v1/events?type=a%00'), 400, 'validation_failed', /^type: must not contain/);
  });

  it(`refuses data nested deeper than ${MAX_JSON_DEPTH} levels, up to 10,000 deep, with a 400`, async () => {
    const before = await countEvents();
    for (const levels of [MAX_JSON_DEPTH + 1, 1_000, 10_000]) {
      const answer = await postJson('/v1/events', `{"type":"resource.created","data":${nestedJson(levels)}}`);
      assertRefused(answer, 400, 'validation_failed', /^data(\.a\.0)*(\.a)?: nests deeper than 32 levels/);
    }
    const inArrays = `{"type":"resource.created","data":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    assertRefused(await postJson('/v1/events', inArrays), 400, 'validation_failed', /nests deeper than 32 levels/);
    assert.equal(await countEvents(), before);
  });

  it('refuses a cursor that names a time no Date can hold, on every paginated list', async () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const list of ['/v1/events', '/v1/hooks', '/v1/deliveries']) {
      for (const time of [1e300, -1e300, 8.64e15 + 1, 1.5, 2 ** 53]) {
        const answer = await asOwner('GET', `${list}?cursor=${cursor([time, 'x'])}`);
        assertRefused(answer, 422, 'unprocessable', /^cursor: not a cursor this API returned/);
      }
      const edge = await asOwner('GET', `${list}?cursor=${cursor([8.64e15, 'x'])}`);
      assert.equal(edge.status, 200, JSON.stringify(edge.body));
    }
  });

  it('refuses bodies that do not decompress, and encodings it does not know', async () => {
    const before = await countEvents();
    const send = (body: Uint8Array | string, encoding: string) =>
      fetch(`${hookflow.url}/v1/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${owner.apiKey}`,
          'content-type': 'application/json',
          'content-encoding': encoding,
        },
        body,
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    const json = JSON.stringify(event({ compressed: true }));
    for (const encoding of ['br', 'gzip', 'deflate', 'GZIP']) {
      assertRefused(await send(json, encoding), 400, 'invalid_encoding', new RegExp(`not valid ${encoding} data`));
    }
    assertRefused(await send(json, 'zstd'), 415, 'unsupported_encoding', /"zstd" is not supported/);
    assert.equal(await countEvents(), before);

    // The ones it knows work.
    assert.equal((await send(gzipSync(json), 'gzip')).status, 202);
    assert.equal((await send(brotliCompressSync(json), 'br')).status, 202);
  });

  it('refuses a path that is not valid percent-encoding', async () => {
    for (const [method, path] of [
      ['GET', '/v1/hooks/%E0%A4%A'],
      ['GET', '/v1/events/%'],
      ['POST', '/v1/hooks/%E0%A4%A/test'],
      ['DELETE', '/v1/owners/%zz/keys/k'],
    ] as const) {
      const answer = await hookflow.request(method, path, method === 'POST' ? {} : undefined);
      assertRefused(answer, 400, 'invalid_path', /not valid percent-encoding/);
    }
  });

  it('refuses target URLs with a bad port or no valid host, naming the field', async () => {
    const hook = (target: Record<string, unknown>) =>
      asOwner('POST', '/v1/hooks', { name: 'bad url', events: ['resource.created'], target });
    const before = await hookflow.mongo.collection('hooks').countDocuments();
    for (const smtpUrl of ['smtp://host:abc', 'smtp://host:99999', 'smtps://host:0', 'smtp://%zz', 'smtp://[::1']) {
      const answer = await hook({ type: 'email', to: 'ops@example.com', smtpUrl });
      assertRefused(answer, 422, 'unprocessable', /^target\.smtpUrl: must be/);
    }
    for (const url of ['http://example.com:0/', 'https://example.com:99999/', 'http://example.com:abc/']) {
      // The document's URL pattern admits these; only parsing them finds the port at fault.
      assertRefused(await hook({ type: 'http', url }), 422, 'unprocessable', /^target\.url: must/);
      assertRefused(await hook({ type: 'slack', url }), 422, 'unprocessable', /^target\.url: must/);
    }
    assert.equal(await hookflow.mongo.collection('hooks').countDocuments(), before);
  });

  it('answers requests Node cannot parse in the same error shape', async () => {
    /** Sends raw bytes and reads the whole answer: fetch will not send a malformed request. */
    const rawExchange = (request: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const { port, hostname } = new URL(hookflow.url);
        const socket = connect(Number(port), hostname, () => socket.write(request));
        let answer = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
        socket.on('error', reject).on('end', () => {
          const [head = '', body = ''] = answer.split('\r\n\r\n');
          resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
        });
      });
    const huge = await rawExchange(`GET /v1/events?type=${'x'.repeat(20_000)} HTTP/1.1\r\nhost: h\r\n\r\n`);
    assertRefused(huge, 431, 'headers_too_large', /larger than the 16 KiB allowed/);
    const garbage = await rawExchange('NOT HTTP AT ALL\r\n\r\n');
    assertRefused(garbage, 400, 'bad_request', /not valid HTTP/);
  });
});
