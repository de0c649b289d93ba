import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hook } from '../portal/src/client/api';
import {
  filtersOf,
  instantOfLocal,
  listQuery,
  localInputOf,
  searchWith,
  searchWithout,
} from '../portal/src/logic/delivery-filters';
import { fieldErrors } from '../portal/src/logic/field-errors';
import { firstChars, percent } from '../portal/src/logic/format';
import {
  createBody,
  EMPTY_FORM,
  errorFields,
  fieldLabel,
  patchBody,
  TARGET_FIELDS,
  valuesOf,
} from '../portal/src/logic/hook-form-values';
import { pathOf, routeOf } from '../portal/src/logic/routes';
import { forgetToken, takeToken, tokenFromHash, type KeyStore } from '../portal/src/logic/session';
import { readableOn, takeTheme, themeFromQuery, themeFromSession } from '../portal/src/logic/theme';

/** sessionStorage's contract over a Map. */
function memoryStore(): KeyStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const TOKEN = `hfp_${'a1B2'.repeat(8)}`;

describe("the portal's session key", () => {
  it('is read from the fragment, kept, and found again without it', () => {
    const store = memoryStore();
    assert.equal(tokenFromHash(`#token=${TOKEN}`), TOKEN);
    assert.equal(takeToken(`#token=${TOKEN}`, store), TOKEN);
    assert.equal(takeToken('', store), TOKEN, 'a later page of the tab has no fragment');
    forgetToken(store);
    assert.equal(takeToken('', store), undefined);
  });

  it('ignores what is not a Hookflow key', () => {
    const store = memoryStore();
    for (const hash of ['#token=', '#token=abc', '#token=hf_admin_xyz1234567890123456', '#other=1', '#hfp_x']) {
      assert.equal(takeToken(hash, store), undefined, hash);
    }
    assert.equal(store.items.size, 0);
    assert.equal(tokenFromHash(`#token=hfk_${'x'.repeat(20)}`), `hfk_${'x'.repeat(20)}`, 'an owner key works too');
  });
});

describe("the producer's theme", () => {
  it('takes a name, an HTTPS or same-server logo and a colour, with text that reads on it', () => {
    const theme = themeFromQuery('?name=Acme%20Hooks&logo=https%3A%2F%2Fcdn.acme.test%2Flogo.svg&color=%23fde047');
    assert.deepEqual(theme, {
      name: 'Acme Hooks',
      logo: 'https://cdn.acme.test/logo.svg',
      color: '#fde047',
      onColor: '#000000',
    });
    assert.equal(themeFromQuery('?logo=/static/logo.png').logo, '/static/logo.png');
    assert.equal(readableOn('#1d4ed8'), '#ffffff');
    assert.equal(readableOn('#fff'), '#000000');
  });

  it('leaves out values that could load from elsewhere or inject CSS', () => {
    const theme = themeFromQuery(
      `?logo=${encodeURIComponent('javascript:alert(1)')}&color=${encodeURIComponent('red;background:url(x)')}`,
    );
    assert.deepEqual(theme, { name: 'Webhooks' });
    assert.equal(themeFromQuery('?logo=//evil.test/x.png').logo, undefined);
    assert.equal(themeFromQuery('?logo=http://plain.test/x.png').logo, undefined);
    assert.equal(themeFromQuery(`?name=${'n'.repeat(100)}`).name.length, 60);
  });

  it("takes the session's theme over the query's, each value only when it passes", () => {
    const fromQuery = themeFromQuery('?name=Query&color=%23123456&logo=https%3A%2F%2Fq.test%2Fq.png');
    assert.deepEqual(themeFromSession({ name: 'Session', color: '#fde047' }, fromQuery), {
      name: 'Session',
      color: '#fde047',
      onColor: '#000000',
      logo: 'https://q.test/q.png',
    });
    assert.deepEqual(themeFromSession({ logoUrl: 'javascript:alert(1)', color: 'red;x' }, fromQuery), fromQuery);
    assert.deepEqual(themeFromSession(undefined, fromQuery), fromQuery);
  });

  it('is kept for the tab, and a later query changes only what it names', () => {
    const store = memoryStore();
    takeTheme('?name=Acme&color=%23123456', store);
    assert.deepEqual(takeTheme('', store), { name: 'Acme', color: '#123456', onColor: '#ffffff' });
    assert.equal(takeTheme('?name=Beta', store).color, '#123456');
  });
});

describe("the portal's routes", () => {
  it('map paths to pages and back', () => {
    assert.deepEqual(routeOf('/portal/'), { page: 'hooks' });
    assert.deepEqual(routeOf('/portal/hooks/hk_1'), { page: 'hook', hookId: 'hk_1' });
    assert.deepEqual(routeOf('/portal/events'), { page: 'events' });
    assert.deepEqual(routeOf('/portal/nothing/here'), { page: 'unknown' });
    assert.equal(pathOf({ page: 'hook', hookId: 'hk 1' }), '/portal/hooks/hk%201');
    assert.deepEqual(routeOf(pathOf({ page: 'hook', hookId: 'hk 1' })), { page: 'hook', hookId: 'hk 1' });
  });
});

describe("the API's refusals, put next to the form's fields", () => {
  const fields = ['name', 'events', 'target.url', 'target'];

  it('from the details of a 400, the longest field first', () => {
    const errors = fieldErrors(
      {
        message: 'name: Too small; events: Too small; target.url: Invalid URL',
        details: [
          { path: 'name', message: 'Too small' },
          { path: 'events', message: 'Too small' },
          { path: 'target.url', message: 'Invalid URL' },
          { path: 'delivery.timeout', message: 'Too long' },
        ],
      },
      fields,
    );
    assert.deepEqual(errors.byField, { name: 'Too small', events: 'Too small', 'target.url': 'Invalid URL' });
    assert.deepEqual(errors.general, ['delivery.timeout: Too long']);
  });

  it("from a 422's message alone, an item's path going to its field", () => {
    const errors = fieldErrors({ message: 'events.0: not in the catalogue; a private target' }, fields);
    assert.deepEqual(errors.byField, { events: 'not in the catalogue' });
    assert.deepEqual(errors.general, ['a private target']);
  });
});

describe("a hook page's delivery filters", () => {
  it('are read from the address, what is not a status or a time left out', () => {
    assert.deepEqual(filtersOf('?name=Acme&status=failed&eventType=order.created&since=2026-12-01T10%3A00%3A00Z'), {
      status: 'failed',
      eventType: 'order.created',
      since: '2026-12-01T10:00:00.000Z',
      until: '',
    });
    assert.deepEqual(filtersOf('?status=lost&since=yesterday&until=2026-13-45'), {
      status: '',
      eventType: '',
      since: '',
      until: '',
    });
  });

  it('are written into the address beside the theme, and left behind for another page', () => {
    const filters = { status: '', eventType: 'a.b', since: '', until: '2026-12-02T00:00:00.000Z' } as const;
    const search = searchWith('?name=Acme&status=failed', filters);
    assert.equal(search, '?name=Acme&eventType=a.b&until=2026-12-02T00%3A00%3A00.000Z');
    assert.deepEqual(filtersOf(search), filters);
    assert.equal(searchWithout(search), '?name=Acme');
    assert.equal(searchWithout('?status=failed'), '');
    assert.deepEqual(listQuery(filters), { eventType: 'a.b', until: '2026-12-02T00:00:00.000Z' });
  });

  it("go between the API's instants and the inputs' local time", () => {
    const local = localInputOf('2026-12-02T15:04:59.000Z');
    assert.match(local, /^2026-12-0[23]T\d\d:\d\d$/);
    // To the minute, as the input shows it, in the machine's time zone.
    assert.equal(instantOfLocal(local), new Date(local).toISOString());
    assert.equal(new Date(instantOfLocal(local)).getUTCMinutes(), 4);
    assert.equal(instantOfLocal(''), '');
  });
});

describe("the portal's figures", () => {
  it('never round a failure away, and cut long bodies', () => {
    assert.equal(percent(0.99999), '99.9%');
    assert.equal(percent(1), '100.0%');
    assert.equal(percent(null), 'no attempts');
    assert.equal(firstChars('abcdef', 3), 'abc…');
    assert.equal(firstChars('abc', 3), 'abc');
  });
});

describe("the hook form's bodies", () => {
  const delivery = {
    timeout: '10s',
    retrySchedule: ['10s', '1m'],
    retryOn: 'transient',
    disableAfter: { failures: 100, window: '24h' },
    rateLimit: null,
    maxInFlight: null,
    ordering: null,
  };
  const hook = {
    id: 'hk_1',
    name: 'Chat',
    events: ['resource.created'],
    target: { type: 'slack', url: { secret: true }, text: 'hi' },
    delivery,
  } as unknown as Hook;
  const httpHook = {
    id: 'hk_2',
    name: 'Orders',
    events: ['resource.created'],
    target: {
      type: 'http',
      url: 'https://x.test/h',
      method: 'PUT',
      headers: { 'X-Team': 'ops', Authorization: { secret: true } },
    },
    format: 'template',
    template: { contentType: 'application/json', body: '{"id": "{{ event.id }}"}' },
    delivery: { ...delivery, rateLimit: { perSecond: 5 } },
  } as unknown as Hook;

  it('names every target field of the API in words', () => {
    assert.deepEqual(TARGET_FIELDS.slack, ['url', 'text', 'blocks']);
    assert.equal(fieldLabel('smtpUrl'), 'Target SMTP URL');
    assert.equal(fieldLabel('chatId'), 'Target chat ID');
  });

  it('creates with only what was filled in, the API defaults for the rest', () => {
    const values = { ...EMPTY_FORM, name: ' Orders ', events: ['a'], target: { url: 'https://x.test/h', method: '' } };
    assert.deepEqual(createBody(values), {
      name: 'Orders',
      events: ['a'],
      target: { type: 'http', url: 'https://x.test/h', method: 'POST' },
    });
    assert.deepEqual(createBody({ ...values, targetType: 'slack', format: 'chat', retrySchedule: '5s, 1m' }), {
      name: 'Orders',
      events: ['a'],
      target: { type: 'slack', url: 'https://x.test/h' },
      delivery: { retrySchedule: ['5s', '1m'] },
    });
  });

  it('creates with headers, a method, a template and every delivery setting', () => {
    const values = {
      ...EMPTY_FORM,
      name: 'Orders',
      events: ['a'],
      target: { url: 'https://x.test/h', method: 'PATCH' },
      entries: {
        headers: [
          { key: ' X-Team ', value: '{{ event.type }}', secret: false },
          { key: '', value: '', secret: false },
          { key: 'Authorization', value: 'Bearer t', secret: true },
        ],
      },
      format: 'template',
      templateBody: '{"id": "{{ event.id }}"}',
      retryOn: 'any-error',
      disableAfterFailures: '5',
      disableAfterWindow: '1h',
      rateLimitPerSecond: '10',
      maxInFlight: 'many',
    };
    assert.deepEqual(createBody(values), {
      name: 'Orders',
      events: ['a'],
      target: {
        type: 'http',
        url: 'https://x.test/h',
        method: 'PATCH',
        headers: { 'X-Team': '{{ event.type }}', Authorization: { value: 'Bearer t', secret: true } },
      },
      format: 'template',
      template: { contentType: 'application/json', body: '{"id": "{{ event.id }}"}' },
      // Not a number: sent as typed, for the API to refuse next to the field.
      delivery: {
        retryOn: 'any-error',
        disableAfter: { failures: 5, window: '1h' },
        rateLimit: { perSecond: 10 },
        maxInFlight: 'many',
      },
    });
    assert.deepEqual(
      createBody({ ...EMPTY_FORM, targetType: 'ga4', entries: { params: [{ key: 'v', value: '1', secret: false }] } })
        .target,
      { type: 'ga4', params: { v: '1' } },
    );
  });

  it('patches only what changed, and leaves a secret left blank as it is', () => {
    const values = valuesOf(hook);
    assert.deepEqual(values.secretFields, ['url']);
    assert.deepEqual(patchBody(hook, values), {});
    assert.deepEqual(patchBody(hook, { ...values, name: 'Team chat' }), { name: 'Team chat' });
    assert.deepEqual(patchBody(hook, { ...values, target: { text: 'bye' }, timeout: '' }), {
      target: { type: 'slack', text: 'bye' },
      delivery: { timeout: null },
    });
  });

  it('shows headers, method, template and settings as the API has them, and sends a target whole on change', () => {
    const values = valuesOf(httpHook);
    assert.equal(values.target.method, 'PUT');
    assert.deepEqual(values.entries.headers, [
      { key: 'X-Team', value: 'ops', secret: false },
      { key: 'Authorization', value: '', secret: true },
    ]);
    assert.equal(values.templateBody, '{"id": "{{ event.id }}"}');
    assert.equal(values.rateLimitPerSecond, '5');
    assert.deepEqual(patchBody(httpHook, values), {}, 'an untouched form changes nothing');

    const headers = [...(values.entries.headers ?? []), { key: 'X-New', value: '1', secret: false }];
    assert.deepEqual(patchBody(httpHook, { ...values, entries: { headers } }).target, {
      type: 'http',
      url: 'https://x.test/h',
      method: 'PUT',
      headers: { 'X-Team': 'ops', Authorization: { secret: true }, 'X-New': '1' },
    });
    assert.deepEqual(patchBody(httpHook, { ...values, templateBody: '{}' }), {
      template: { contentType: 'application/json', body: '{}' },
    });
    assert.deepEqual(patchBody(httpHook, { ...values, format: 'standard' }), { format: 'standard' });
    assert.deepEqual(
      patchBody(httpHook, { ...values, rateLimitPerSecond: '', ordering: 'fifo', disableAfterFailures: '7' }),
      {
        delivery: { rateLimit: null, ordering: 'fifo', disableAfter: { failures: 7 } },
      },
    );
  });

  it('puts a refusal of a header or a setting next to its input', () => {
    const errors = fieldErrors(
      {
        message: 'invalid',
        details: [
          { path: 'target.headers.X Bad', message: 'must be a valid HTTP header name' },
          { path: 'delivery.rateLimit.perSecond', message: 'Too big' },
          { path: 'template.body', message: 'unknown tag' },
        ],
      },
      errorFields('http'),
    );
    assert.deepEqual(errors.byField, {
      'target.headers': 'must be a valid HTTP header name',
      'delivery.rateLimit.perSecond': 'Too big',
      'template.body': 'unknown tag',
    });
  });
});
