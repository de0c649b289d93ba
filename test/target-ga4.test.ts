import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpClient } from '../activities/http/client';
import { createSender as createGa4Sender } from '../targets/ga4/sender';
import type { DeliveryContext, DeliveryEvent } from '../targets/contract';
import type { Ga4Config } from '../targets/ga4/config';
import { idOf } from '../core/ids';
import { deliveryContext } from './support/delivery-context';
import { ga4TargetFor, startFakeGa4 } from './support/fakes/ga4';
import { useFake, type FakeProvider } from './support/fakes/provider';

const HOUR = 60 * 60 * 1000;

describe('GA4 target (Measurement Protocol)', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  const ga4 = createGa4Sender({ http, publicUrl: 'https://hooks.example.test' });
  let fake: FakeProvider;

  useFake(async () => (fake = await startFakeGa4()), http);

  /** Dataset ds_42 published an hour ago, with a string, a number and a boolean in its data, to the fake. */
  function context(
    event: Partial<DeliveryEvent> = {},
    { hookId, params }: { hookId?: string; params?: Record<string, string> } = {},
  ): DeliveryContext<Ga4Config> {
    return deliveryContext(
      { ...ga4TargetFor(fake), ...(params ? { params } : {}) },
      {
        hookId,
        event: {
          resourceId: 'ds_42',
          createdAt: new Date(Date.now() - HOUR),
          data: { title: 'Budget 2026', rows: 1200, public: true },
          ...event,
        },
      },
    );
  }

  const check = (ctx: DeliveryContext<Ga4Config>) => {
    assert.ok(ga4.check !== undefined, 'GA4 has a validation server');
    return ga4.check(ctx);
  };

  /** The body GA received for the last request. */
  const lastBody = () => JSON.parse(fake.accepted.at(-1)?.body ?? 'null');

  it('posts one event to /mp/collect with the ids in the query, as Google documents', async () => {
    const ctx = context();
    const result = await ga4.send(ctx);

    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.attempt.statusCode, 204);
    const [request] = fake.accepted;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/mp/collect');
    assert.deepEqual(Object.fromEntries(request?.query ?? []), {
      measurement_id: ga4TargetFor(fake).measurementId,
      api_secret: ga4TargetFor(fake).apiSecret,
    });
    assert.equal(request?.headers['content-type'], 'application/json');
    const body = lastBody();
    assert.match(body.client_id, /^\d+\.\d+$/);
    assert.deepEqual(body, {
      client_id: body.client_id,
      timestamp_micros: ctx.event.createdAt.getTime() * 1000,
      events: [
        {
          name: 'dataset_published',
          params: {
            event_id: 'evt_1',
            resource_type: 'dataset',
            resource_id: 'ds_42',
            title: 'Budget 2026',
            rows: 1200,
            public: 'true',
          },
        },
      ],
    });
  });

  it('backdates only within the 72 hours GA accepts', async () => {
    await ga4.send(context({ createdAt: new Date(Date.now() - 71 * HOUR) }));
    assert.equal(typeof lastBody().timestamp_micros, 'number');
    await ga4.send(context({ createdAt: new Date(Date.now() - 73 * HOUR) }));
    assert.equal(lastBody().timestamp_micros, undefined);
    await ga4.send(context({ createdAt: new Date(Date.now() + HOUR) }));
    assert.equal(lastBody().timestamp_micros, undefined, 'never in the future');
  });

  it('names events after their type, never with a name GA refuses or keeps for itself', async () => {
    const long = 'catalog.dataset.resource.attachment.thumbnail.regenerated';
    const table: [string, string][] = [
      ['dataset-published', 'dataset_published'],
      ['resource.created', 'resource_created'],
      ['visualization-created', 'visualization_created'],
      ['dataset_downloaded', 'dataset_downloaded'],
      ['order..paid', 'order_paid'],
      ['données-téléchargées', 'donnees_telechargees'],
      ['_internal.ping', 'internal_ping'],
      ['2fa.enabled', 'hookflow_2fa_enabled'],
      ['error', 'hookflow_error'],
      ['session_start', 'hookflow_session_start'],
      ['page.view', 'hookflow_page_view'],
      ['first-visit', 'hookflow_first_visit'],
      ['ga.sync', 'hookflow_ga_sync'],
      ['Google-Sheet.linked', 'hookflow_Google_Sheet_linked'],
      ['firebase.campaign', 'hookflow_firebase_campaign'],
    ];
    for (const [type, name] of table) {
      await ga4.send(context({ type }));
      assert.equal(lastBody().events[0].name, name, type);
    }

    await ga4.send(context({ type: long }));
    const first = lastBody().events[0].name;
    await ga4.send(context({ type: `${long}.again` }));
    const second = lastBody().events[0].name;
    await ga4.send(context({ type: long }));
    assert.equal(lastBody().events[0].name, first, 'the same type, the same name');
    assert.match(first, /^catalog_dataset_resource_attachme_[0-9a-f]{6}$/, '40 characters, the last 7 a hash');
    assert.equal(second.length, 40);
    assert.notEqual(first, second, 'two long types stay two events');

    await ga4.send(context({ type: '日本語' }));
    assert.match(lastBody().events[0].name, /^event_[0-9a-f]{6}$/);
  });

  it('keeps at most 25 params, cut to 100 characters, from data fields GA accepts as they are', async () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field_${String(i).padStart(2, '0')}`, i]));
    const data = {
      note: `${'é'.repeat(99)}😀 and more`,
      _private: 'x',
      ga_source: 'x',
      google_id: 'x',
      session_id: 'x',
      'has-dash': 'x',
      [`a${'b'.repeat(40)}`]: 'x',
      nested: { a: 1 },
      list: [1],
      nothing: null,
      empty: '',
      event_id: 'spoofed',
      ...many,
    };
    await ga4.send(context({ data }));

    const params = lastBody().events[0].params;
    assert.equal(Object.keys(params).length, 25);
    assert.deepEqual(Object.keys(params).slice(0, 4), ['event_id', 'resource_type', 'resource_id', 'note']);
    assert.equal(params.event_id, 'evt_1', 'the event id is not taken from the data');
    assert.equal(params.note, `${'é'.repeat(99)}😀`, '100 characters, the emoji whole');
    assert.equal(params.field_00, 0);
    assert.equal(params.field_20, 20);
    assert.equal(params.field_21, undefined, 'the 26th param is left out');
  });

  it('sends the hook-configured params instead, rendered from the event', async () => {
    const params = {
      dataset: '{{ event.data.title }}',
      rows: '{{ event.data.rows }}',
      code: '007',
      headline: '{{ event.type }} on {{ hook.id }}',
      missing: '{{ event.data.nope }}',
    };
    const result = await ga4.send(context({}, { params }));

    assert.equal(result.outcome, 'succeeded');
    assert.deepEqual(lastBody().events[0].params, {
      dataset: 'Budget 2026',
      rows: 1200,
      code: '007',
      headline: 'dataset-published on hook_1',
    });
  });

  it('fails for good, sending nothing, when a configured param cannot render', async () => {
    const result = await ga4.send(context({}, { params: { page: '{% include "header" %}' } }));

    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.errorKind, 'render');
    assert.match(result.attempt.errorMessage ?? '', /failed to render/);
    assert.equal(fake.accepted.length, 0);
  });

  it('gives one client_id per hook and subject, the same from one event to the next', async () => {
    const clientId = async (event: Partial<DeliveryEvent>, hookId?: string) => {
      await ga4.send(context(event, { hookId }));
      return lastBody().client_id as string;
    };
    const dataset = await clientId({ id: idOf('event', 'evt_1'), type: 'dataset-created' });
    assert.equal(await clientId({ id: idOf('event', 'evt_2'), type: 'dataset-downloaded' }), dataset, 'same resource');
    assert.notEqual(await clientId({ resourceId: 'ds_43' }), dataset, 'another resource');
    assert.notEqual(await clientId({}, 'hook_2'), dataset, 'another hook');

    const owner = await clientId({ id: idOf('event', 'evt_3'), resourceType: undefined, resourceId: undefined });
    assert.equal(await clientId({ id: idOf('event', 'evt_4'), resourceType: undefined, resourceId: undefined }), owner);
    assert.notEqual(owner, dataset);
  });

  it('is retried when GA is unavailable, and then delivers the same event', async () => {
    fake.script('retryable');
    const ctx = context();
    const failed = await ga4.send(ctx);
    assert.equal(failed.outcome, 'retryable');
    assert.equal(failed.attempt.statusCode, 503);

    const retried = await ga4.send(ctx);
    assert.equal(retried.outcome, 'succeeded');
    assert.equal(fake.accepted[1]?.body, fake.accepted[0]?.body);
  });

  it('fails for good on a refusal, and never records the api_secret', async () => {
    fake.script('permanent');
    const result = await ga4.send(context());

    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.statusCode, 403);
    const recorded = JSON.stringify(result);
    assert.ok(!recorded.includes(ga4TargetFor(fake).apiSecret), recorded);
    assert.match(result.attempt.responseBody ?? '', /api_secret=\[redacted\]/);
  });

  it('is retried when GA cannot be reached', async () => {
    const ctx = context();
    ctx.hook.target = { ...ctx.hook.target, baseUrl: 'http://127.0.0.1:9' };
    const result = await ga4.send(ctx);

    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.errorKind, 'connection');
    assert.ok(!JSON.stringify(result).includes(ga4TargetFor(fake).apiSecret));
  });

  describe('check, through the validation server', () => {
    it('sends the same request to /debug/mp/collect and passes a valid one', async () => {
      const result = await check(context());

      assert.equal(result.outcome, 'succeeded');
      assert.deepEqual(result.messages, []);
      assert.equal(fake.accepted[0]?.path, '/debug/mp/collect');
      assert.match(fake.accepted[0]?.body ?? '', /"name":"dataset_published"/);
    });

    it('says what GA would drop, in words, and fails for good', async () => {
      const result = await check(context({}, { params: { ga_source: 'hooks', firebase_conversion: '1' } }));

      assert.equal(result.outcome, 'permanent');
      assert.deepEqual(result.messages, [
        'Name [ga_source] is reserved. (NAME_RESERVED at events[0].params.ga_source)',
        'Name [firebase_conversion] is reserved. (NAME_RESERVED at events[0].params.firebase_conversion)',
      ]);
    });

    it('is retried when the validation server is unavailable', async () => {
      fake.script('retryable');
      const result = await check(context());
      assert.equal(result.outcome, 'retryable');
    });
  });
});

describe('fake GA4', () => {
  it('refuses what Google documents as invalid', async () => {
    const fake = await startFakeGa4();
    const http = createHttpClient({ allowPrivateTargets: true });
    const { measurementId, apiSecret } = ga4TargetFor(fake);
    const post = (body: unknown, { secret = apiSecret, contentType = 'application/json' } = {}) =>
      http.send({
        url: `${fake.url}/mp/collect?${new URLSearchParams({ measurement_id: measurementId, api_secret: secret }).toString()}`,
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify(body),
        timeoutMs: 5_000,
      });
    try {
      await post({ client_id: '1.2', events: [{ name: 'ok' }] }, { secret: 'wrong', contentType: 'text/plain' });
      await post({
        client_id: 42,
        events: [{ name: 'session_start', params: { 'bad-name': 'x', long: 'x'.repeat(101), flag: true } }],
      });
      await post({ client_id: '1.2', events: Array.from({ length: 26 }, () => ({ name: 'ok' })) });

      assert.equal(fake.accepted.length, 0);
      assert.deepEqual(
        fake.violations.map((violation) => violation.problems),
        [
          ['api_secret does not match the stream', 'content-type must be application/json, got text/plain'],
          [
            'VALUE_REQUIRED at client_id: client_id is required, as a string.',
            'NAME_RESERVED at events[0].name: Name [session_start] is reserved.',
            'NAME_INVALID at events[0].params.bad-name: Name [bad-name] must start with a letter, hold only letters, digits and _, and be at most 40 characters.',
            'VALUE_OUT_OF_BOUNDS at events[0].params.long: A value must be at most 100 characters.',
            'VALUE_INVALID at events[0].params.flag: A value must be a string or a number.',
          ],
          ['EXCEEDED_MAX_ENTITIES at events: At most 25 events per request, got 26.'],
        ],
      );
    } finally {
      await fake.close();
      await http.close();
    }
  });
});
