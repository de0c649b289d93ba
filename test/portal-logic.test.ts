import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hook } from '../portal/src/client/api';
import { fieldErrors } from '../portal/src/logic/field-errors';
import { firstChars, percent } from '../portal/src/logic/format';
import {
  createBody,
  EMPTY_FORM,
  fieldLabel,
  patchBody,
  TARGET_FIELDS,
  valuesOf,
} from '../portal/src/logic/hook-form-values';
import { pathOf, routeOf } from '../portal/src/logic/routes';
import { forgetToken, takeToken, tokenFromHash, type KeyStore } from '../portal/src/logic/session';
import { readableOn, takeTheme, themeFromQuery } from '../portal/src/logic/theme';

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
  const hook = {
    id: 'hk_1',
    name: 'Chat',
    events: ['resource.created'],
    target: { type: 'slack', url: { secret: true }, text: 'hi' },
    delivery: { timeout: '10s', retrySchedule: ['10s', '1m'] },
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
      target: { type: 'http', method: 'POST', headers: {}, url: 'https://x.test/h' },
    });
    assert.deepEqual(createBody({ ...values, targetType: 'slack', format: 'chat', retrySchedule: '5s, 1m' }), {
      name: 'Orders',
      events: ['a'],
      target: { type: 'slack', url: 'https://x.test/h' },
      delivery: { retrySchedule: ['5s', '1m'] },
    });
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
});
