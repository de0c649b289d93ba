import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { firstAttemptRecord } from '../activities/delivery-records';
import { idOf } from '../core/ids';
import { CHROMIUM } from '../scripts/devstack/chromium';
import { DEVSTACK_DIR } from '../scripts/devstack/paths';
import { eventually } from './support/eventually';
import { slackTargetFor, startFakeSlack } from './support/fakes/slack';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** Written by every run for a person to look at (git-ignored with .devstack/). */
const SCREENSHOTS = join(DEVSTACK_DIR, 'screenshots');
const WIDTHS = { wide: 1280, narrow: 390 } as const;
/** Waits on page state: generous, since the machine may be loaded; nothing here sleeps. */
const STATE_WAIT_MS = 20_000;

/** The API refusals the flow provokes on purpose: Chromium logs each answer of 4xx as a console error. */
const expectedRefusals: RegExp[] = [];
const problems: string[] = [];

function watch(page: Page): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const at = message.location().url;
    const refused = /Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
    if (refused && expectedRefusals.some((pattern) => pattern.test(at))) return;
    problems.push(`console error: ${message.text()} (${at})`);
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the protocol, which the page's CSP (no inline scripts) does not stop, unlike a script tag.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const results: { violations: any[] } = await page.evaluate('axe.run()');
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((n: any) => n.target).join(', ')}`,
    );
}

/** The innermost elements that reach past the window's right edge, for a failure's message. */
const WIDER_THAN_THE_WINDOW = `[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth))
  .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + JSON.stringify((e.textContent || '').slice(0, 40)))
  .slice(0, 5).join('; ')`;

/** Both widths: a screenshot of each, and the page must not scroll sideways at either. */
async function atBothWidths(page: Page, name: string): Promise<void> {
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    const wider = overflow <= 0 ? '' : String(await page.evaluate(WIDER_THAN_THE_WINDOW));
    assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px: ${wider}`);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS.wide, height: 900 });
}

/** What a person hears the focused control called: its label, else its aria-label, else its text. */
const FOCUSED_NAME = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return '';
  return (e.labels?.[0]?.textContent ?? e.getAttribute('aria-label') ?? e.textContent ?? '').trim();
})()`;

/** Presses Tab, as a keyboard user does, until the focused control is `name` (a regex: its name starts so). */
async function tabTo(page: Page, name: string | RegExp, maxPresses = 80): Promise<void> {
  for (let presses = 0; presses <= maxPresses; presses += 1) {
    const focused = String(await page.evaluate(FOCUSED_NAME));
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${maxPresses} presses of Tab never reached ${String(name)}`);
}

/** The focused control shows that it is: :focus-visible matches and its outline is drawn. */
const FOCUS_SHOWN = `(() => {
  const e = document.activeElement;
  return !!e && e.matches(':focus-visible') && getComputedStyle(e).outlineStyle !== 'none';
})()`;

/** A time as a datetime-local input takes it: this machine's local time, to the minute. */
function localMinute(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

describe('the owner portal in Chromium', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let owner: { id: string; apiKey: string };
  let otherHookId: string;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [hookflow, receiver, slack, browser] = await Promise.all([
      startHookflow(),
      startReceiver(),
      startFakeSlack(),
      // As root, Chromium runs only without its sandbox; the page it opens is ours, on loopback.
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
    ]);
    owner = await hookflow.createOwner('Acme');
    const other = await hookflow.createOwner('Other');
    const othersHook = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'theirs', events: ['resource.created'], target: { type: 'http', url: `${receiver.url}/theirs` } },
      { key: other.apiKey },
    );
    assert.equal(othersHook.status, 201);
    otherHookId = othersHook.body.id;
    expectedRefusals.push(new RegExp(`/v1/hooks/${otherHookId}$`), /\/v1\/hooks$/);
    context = await browser.newContext({ viewport: { width: WIDTHS.wide, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hookflow.url });
    page = await context.newPage();
    page.setDefaultTimeout(STATE_WAIT_MS);
    watch(page);
  });

  after(async () => {
    await browser?.close();
    await receiver?.close();
    await slack?.close();
    await hookflow?.stop();
  });

  it("opens from a minted session link, keeps the token, takes it out of the address and wears the session's theme", async () => {
    const minted = await hookflow.request('POST', `/v1/owners/${owner.id}/portal-sessions`, {
      expiresIn: '1h',
      theme: { name: 'Acme Hooks', color: '#7c3aed' },
    });
    assert.equal(minted.status, 201);
    const link = new URL(minted.body.url);
    assert.equal(link.pathname, '/portal/');
    // The API under test listens on a port of its own; the link names the configured public address. The
    // session's theme wins over the query's.
    await page.goto(`${hookflow.url}/portal/?name=From%20the%20query&color=%23b91c1c${link.hash}`);
    await page.getByRole('heading', { name: 'Hooks', exact: true }).waitFor();
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(await page.evaluate("sessionStorage.getItem('hookflow.portal.token')"), minted.body.token);
    await page.locator('.brand', { hasText: 'Acme Hooks' }).waitFor();
    assert.equal(await page.title(), 'Acme Hooks');
    const bar = await page.evaluate("getComputedStyle(document.querySelector('header.bar')).backgroundColor");
    assert.equal(bar, 'rgb(124, 58, 237)', "the session's colour, not the query's");
  });

  it('serves the page with a strict CSP that only the configured ancestors may frame', async () => {
    const answer = await fetch(`${hookflow.url}/portal/hooks/any`);
    assert.equal(answer.status, 200);
    const policy = answer.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /frame-ancestors 'self'(;|$)/);
    assert.doesNotMatch(await answer.text(), /<script(?![^>]*\bsrc=)/, 'no inline script');
    const bare = await fetch(`${hookflow.url}/portal?name=Acme`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/portal/?name=Acme');
    assert.equal((await fetch(`${hookflow.url}/portal/assets/missing.js`)).status, 404);
  });

  let firstSecret: string;
  it('shows the API refusals next to the fields, then creates a hook and shows its secret once', async () => {
    await page.locator('summary', { hasText: 'Create hook' }).click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#hook-name-error').waitFor();
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await page.locator('#hook-events-error').waitFor();
    await atBothWidths(page, 'new-hook');
    assert.deepEqual(await axeViolations(page), [], 'the form, with its errors shown');

    await page.getByLabel('Name').fill('Orders');
    await page.getByLabel('Target URL').fill(`${receiver.url}/orders`);
    await page.getByRole('checkbox', { name: /^resource\.created\b/ }).check();
    await page.getByRole('checkbox', { name: /^resource\.updated\b/ }).check();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    firstSecret = (await page.getByTestId('secret').textContent()) ?? '';
    assert.match(firstSecret, /^whsec_/);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), firstSecret);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByTestId('secret').count(), 0, 'the secret is gone once dismissed');

    const card = page.locator('li.card', { hasText: 'Orders' });
    await card.getByText('enabled').waitFor();
    await card.getByText('resource.created').waitFor();
    await card.getByText('no attempts').waitFor();
  });

  it('creates a Slack hook with the keyboard alone, and the Slack fake gets an event posted through the API', async () => {
    await page.evaluate('document.activeElement?.blur()');
    await tabTo(page, 'Create hook');
    assert.ok(await page.evaluate(FOCUS_SHOWN), '"Create hook" shows its focus');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Name');
    await page.keyboard.type('Team chat');
    await tabTo(page, 'Target type');
    // A closed select steps through its options with the arrow keys.
    for (let presses = 0; presses < 10 && (await page.getByLabel('Target type').inputValue()) !== 'slack'; presses += 1)
      await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByLabel('Payload format').count(), 0, 'the API takes a format for HTTP targets only');
    await tabTo(page, 'Target URL');
    await page.keyboard.type(slackTargetFor(slack).url);
    await tabTo(page, 'Target text');
    await page.keyboard.type('{{ event.type }} happened');
    // The label reads the name, then the description.
    await tabTo(page, /^dataset-published/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Retry schedule');
    await page.keyboard.type('10s, 1m');
    await tabTo(page, 'Create');
    assert.ok(await page.evaluate(FOCUS_SHOWN), '"Create" shows its focus');
    await page.keyboard.press('Enter');
    await page.getByTestId('secret').waitFor();
    await tabTo(page, 'Done');
    await page.keyboard.press('Enter');
    const card = page.locator('li.card', { hasText: 'Team chat' });
    await card.getByText('slack', { exact: true }).waitFor();

    const hookId = (await card.getAttribute('data-hook-id')) as string;
    const saved = (await hookflow.request('GET', `/v1/hooks/${hookId}`)).body;
    assert.equal(saved.target.type, 'slack');
    assert.equal(saved.target.text, '{{ event.type }} happened');
    assert.deepEqual(saved.events, ['dataset-published']);
    assert.deepEqual(saved.delivery.retrySchedule, ['10s', '1m']);
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'dataset-published', data: { id: 'ds_1' } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const [message] = await eventually(() => {
      assert.equal(slack.accepted.length, 1, JSON.stringify(slack.violations));
      return slack.accepted;
    }, STATE_WAIT_MS);
    assert.equal(JSON.parse(message!.body).text, 'dataset-published happened');
    // The rest of the flow follows the one HTTP hook.
    assert.equal((await hookflow.request('DELETE', `/v1/hooks/${hookId}`)).status, 204);
    await page.reload();
    await page.locator('li.card', { hasText: 'Orders' }).waitFor();
    assert.equal(await page.locator('li.card', { hasText: 'Team chat' }).count(), 0);
  });

  it("shows a posted event's delivery, its attempts, and a replay that reaches the receiver", async () => {
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'resource.created', resourceType: 'project', resourceId: 'prj_1', data: { title: 'Logo' } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    const delivery = page.locator('li.delivery[data-status="succeeded"]');
    await delivery.first().waitFor();
    assert.equal((await receiver.waitForRequests(1))[0]?.path, '/orders');

    await delivery.first().locator('summary').click();
    await delivery
      .first()
      .getByText(/Attempt 1.*HTTP 200/)
      .waitFor();

    // From the opened summary, the keyboard goes on to the delivery's Replay, and Enter presses it.
    await tabTo(page, 'Replay');
    assert.ok(await page.evaluate(FOCUS_SHOWN), '"Replay" shows its focus');
    await page.keyboard.press('Enter');
    await receiver.waitForRequests(2, STATE_WAIT_MS);
    await page.getByText('(replay)').waitFor();
    assert.equal(await page.evaluate(FOCUSED_NAME), 'Replay', 'the focus stays on the button pressed');
  });

  it('sends a test event and rotates the secret, shown once', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText(/Test event succeeded: HTTP 200/).waitFor();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.getByTestId('secret').textContent()) ?? '';
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, firstSecret);
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it("edits the hook's name and delivery settings, with the API's refusal next to the field", async () => {
    const hookId = new URL(page.url()).pathname.split('/').pop() as string;
    expectedRefusals.push(new RegExp(`/v1/hooks/${hookId}$`));
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit hook' });
    assert.equal(await form.getByLabel('Name').inputValue(), 'Orders');
    assert.equal(await form.getByLabel('Target URL').inputValue(), `${receiver.url}/orders`);
    await form.getByLabel('Target URL').fill('ftp://example.com/orders');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.locator('#edit-target-url-error').waitFor();
    assert.equal(await form.getByLabel('Target URL').getAttribute('aria-invalid'), 'true');

    await form.getByLabel('Target URL').fill(`${receiver.url}/orders`);
    await form.getByLabel('Name').fill('Orders (edited)');
    await form.getByLabel('Timeout').fill('15s');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Orders (edited)' }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Edit hook' }).count(), 0, 'the form closes once saved');
    const saved = (await hookflow.request('GET', `/v1/hooks/${hookId}`)).body;
    assert.equal(saved.name, 'Orders (edited)');
    assert.equal(saved.delivery.timeout, '15s');
    assert.equal(saved.target.url, `${receiver.url}/orders`);
  });

  it("filters the hook's deliveries by event type and time, the filters kept in the address", async () => {
    const hookId = new URL(page.url()).pathname.split('/').pop() as string;
    // A delivery of two hours ago, as fan-out records one.
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    const old = firstAttemptRecord(
      {
        deliveryId: idOf('delivery', 'dlv_two_hours_ago'),
        eventId: idOf('event', 'evt_two_hours_ago'),
        eventType: 'resource.created',
        hookId: idOf('hook', hookId),
        ownerId: idOf('owner', owner.id),
      },
      { status: 'succeeded' },
      { startedAt: twoHoursAgo, durationMs: 12, statusCode: 200 },
      twoHoursAgo.getTime(),
    );
    await hookflow.mongo.collection('deliveries').insertOne(old as never);
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'resource.updated', resourceType: 'project', resourceId: 'prj_1', data: { title: 'Logo v2' } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const items = page.locator('li.delivery');
    const typesShown = async () => (await items.locator('code.event-type').allTextContents()).sort();
    // The first delivery and its replay, the one of two hours ago, the update's.
    await eventually(async () => assert.equal(await items.count(), 4), STATE_WAIT_MS);

    await page.getByLabel('Event type').selectOption('resource.updated');
    await eventually(async () => assert.deepEqual(await typesShown(), ['resource.updated']), STATE_WAIT_MS);
    assert.equal(new URL(page.url()).searchParams.get('eventType'), 'resource.updated');
    await page.reload();
    assert.equal(await page.getByLabel('Event type').inputValue(), 'resource.updated', 'a reload keeps the filter');
    await eventually(async () => assert.deepEqual(await typesShown(), ['resource.updated']), STATE_WAIT_MS);

    const anHourAgo = localMinute(new Date(Date.now() - 3_600_000));
    await page.getByLabel('Event type').selectOption('resource.created');
    await page.getByLabel('Created before').fill(anHourAgo);
    await eventually(
      async () => assert.deepEqual(await items.evaluateAll((li) => li.map((e) => e.dataset.deliveryId)), [old._id]),
      STATE_WAIT_MS,
    );
    await page.getByLabel('Created before').fill('');
    await page.getByLabel('Created from').fill(anHourAgo);
    // The first delivery and its replay: a replay's delivery keeps its event's type too.
    await eventually(
      async () => assert.deepEqual(await typesShown(), ['resource.created', 'resource.created']),
      STATE_WAIT_MS,
    );
    assert.equal(await page.locator(`li.delivery[data-delivery-id="${old._id}"]`).count(), 0);
    const address = new URL(page.url()).searchParams;
    assert.equal(address.get('eventType'), 'resource.created');
    assert.ok(address.get('since') && !address.get('until'), page.url());
    await atBothWidths(page, 'hook-filtered');
    assert.deepEqual(await axeViolations(page), [], 'the filtered list');
    // The rest of the flow sees every delivery.
    await page.goto(`${hookflow.url}/portal/hooks/${hookId}`);
    await eventually(async () => assert.equal(await items.count(), 4), STATE_WAIT_MS);
  });

  it('recovers since a time, with a bar that follows the replay', async () => {
    await page.getByLabel('Recover since').fill(localMinute(new Date(Date.now() - 3_600_000)));
    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    // Nothing failed, so it has nothing to send: it ends at once, and the bar says so.
    await page.getByText(/Recovery completed: 0 of 0/).waitFor();
    assert.equal(await page.locator('progress').count(), 1);
  });

  it('disables and enables the hook', async () => {
    const hookId = new URL(page.url()).pathname.split('/').pop() as string;
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByRole('button', { name: 'Enable', exact: true }).waitFor();
    assert.equal((await hookflow.request('GET', `/v1/hooks/${hookId}`)).body.status, 'disabled');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByRole('button', { name: 'Disable', exact: true }).waitFor();
    assert.equal((await hookflow.request('GET', `/v1/hooks/${hookId}`)).body.status, 'enabled');
    await page.locator('.facts').getByText('enabled').waitFor();
    // A reload opens the hook's own address, and the chart counts the attempts so far: the delivery, its replay.
    await page.reload();
    const chart = page.getByRole('img', { name: /^Attempts per hour over 24 hours: \d+ in all/ });
    const label = (await chart.getAttribute('aria-label')) ?? '';
    assert.ok(Number(/(\d+) in all/.exec(label)?.[1]) >= 2, label);
    await atBothWidths(page, 'hook');
    assert.deepEqual(await axeViolations(page), []);
  });

  it('lists the events, each opening to its deliveries', async () => {
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await page.locator('li.card summary', { hasText: 'resource.created' }).first().click();
    await page.getByText('succeeded to').first().waitFor();
    await atBothWidths(page, 'events');
    assert.deepEqual(await axeViolations(page), []);
  });

  it("says not found for another owner's hook", async () => {
    await page.goto(`${hookflow.url}/portal/hooks/${otherHookId}`);
    await page.getByRole('heading', { name: 'Hook not found' }).waitFor();
    await atBothWidths(page, 'not-found');
  });

  it('deletes a hook after asking', async () => {
    await page.getByRole('link', { name: 'Back to the hooks' }).click();
    const card = page.locator('li.card', { hasText: 'Orders' });
    // The first delivery, its replay and the test: all succeeded.
    await card.getByText('100.0%').waitFor();
    await atBothWidths(page, 'hooks');
    assert.deepEqual(await axeViolations(page), []);
    await card.getByRole('button', { name: 'Delete', exact: true }).click();
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: 'Delete', exact: true }).click();
    await card.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('No hooks yet').waitFor();
  });

  it('round-trips a method, headers (one secret), a template and delivery settings through the form', async () => {
    await page.locator('summary', { hasText: 'Create hook' }).click();
    const form = page.getByRole('form', { name: 'New hook' });
    await form.getByLabel('Name', { exact: true }).fill('Templated');
    await form.getByLabel('Target method').selectOption('PUT');
    await form.getByLabel('Target URL').fill(`${receiver.url}/templated`);
    await form.getByRole('button', { name: 'Add header' }).click();
    await form.getByRole('button', { name: 'Add header' }).click();
    await form.getByLabel('Header 1 name').fill('X Kind');
    await form.getByLabel('Header 1 value').fill('{{ event.type }}');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    // The API's refusal of one header shows beside the headers.
    await form.locator('#hook-target-headers-error', { hasText: 'valid HTTP header name' }).waitFor();
    await form.getByLabel('Header 1 name').fill('X-Kind');
    await form.getByLabel('Header 2 name').fill('Authorization');
    await form.getByLabel('Header 2 value').fill('Bearer s3cret');
    await form.getByLabel('Header 2 secret').check();
    await form.getByLabel('Payload format').selectOption('template');
    await form.getByLabel('Template (Liquid)').fill('{"kind": "{{ event.type }}", "id": "{{ event.data.id }}"}');
    await form.getByRole('checkbox', { name: /^dataset-published\b/ }).check();
    await form.getByLabel('Retry on').selectOption('any-error');
    await form.getByLabel('Disable after failures in a row').fill('50');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByTestId('secret').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('link', { name: 'Templated' }).click();
    await page.getByRole('heading', { name: 'Templated' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit hook' });
    assert.equal(await edit.getByLabel('Target method').inputValue(), 'PUT');
    assert.equal(await edit.getByLabel('Header 1 name').inputValue(), 'X-Kind');
    assert.equal(await edit.getByLabel('Header 1 value').inputValue(), '{{ event.type }}');
    assert.equal(await edit.getByLabel('Header 2 name').inputValue(), 'Authorization');
    assert.equal(await edit.getByLabel('Header 2 value').inputValue(), '', 'a secret is never shown again');
    assert.equal(await edit.getByLabel('Header 2 secret').isChecked(), true);
    assert.equal(await edit.getByLabel('Payload format').inputValue(), 'template');
    assert.equal(
      await edit.getByLabel('Template (Liquid)').inputValue(),
      '{"kind": "{{ event.type }}", "id": "{{ event.data.id }}"}',
    );
    assert.equal(await edit.getByLabel('Retry on').inputValue(), 'any-error');
    assert.equal(await edit.getByLabel('Disable after failures in a row').inputValue(), '50');
    await atBothWidths(page, 'edit-hook');
    assert.deepEqual(await axeViolations(page), [], 'the edit form with its header rows');

    const send = async (id: string) => {
      const posted = await hookflow.request(
        'POST',
        '/v1/events',
        { type: 'dataset-published', data: { id } },
        { key: owner.apiKey },
      );
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      return eventually(() => {
        const got = receiver.requests.find((request) => request.body.includes(id));
        assert.ok(got, `the receiver got ${id}`);
        return got;
      }, STATE_WAIT_MS);
    };
    const first = await send('ds_first');
    assert.equal(first.method, 'PUT');
    assert.equal(first.path, '/templated');
    assert.equal(first.headers['x-kind'], 'dataset-published');
    assert.equal(first.headers.authorization, 'Bearer s3cret');
    assert.deepEqual(JSON.parse(first.body), { kind: 'dataset-published', id: 'ds_first' });

    // An edit of the other header leaves the secret one as it is.
    await edit.getByLabel('Header 1 name').fill('X-Event');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'Edit hook' }).waitFor({ state: 'detached' });
    const second = await send('ds_second');
    assert.equal(second.headers['x-event'], 'dataset-published');
    assert.equal(second.headers['x-kind'], undefined);
    assert.equal(second.headers.authorization, 'Bearer s3cret');
    const hookId = new URL(page.url()).pathname.split('/').pop() as string;
    assert.equal((await hookflow.request('DELETE', `/v1/hooks/${hookId}`)).status, 204);
  });

  it('with a read-only session, shows everything and says why a change is refused', async () => {
    const created = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'Watched', events: ['resource.created'], target: { type: 'http', url: `${receiver.url}/watched` } },
      { key: owner.apiKey },
    );
    const minted = await hookflow.request('POST', `/v1/owners/${owner.id}/portal-sessions`, { readOnly: true });
    expectedRefusals.push(new RegExp(`/v1/hooks/${created.body.id}/disable$`));
    // A tab of its own: sessionStorage is per tab, so the full session of the other tab is not there.
    const readOnly = await context.newPage();
    watch(readOnly);
    // A session without a theme: the query's applies.
    await readOnly.goto(`${hookflow.url}/portal/?name=Read-only%20view${new URL(minted.body.url).hash}`);
    const card = readOnly.locator('li.card', { hasText: 'Watched' });
    assert.equal(await readOnly.locator('.brand').textContent(), 'Read-only view');
    await card.getByRole('button', { name: 'Disable', exact: true }).click();
    await readOnly.getByText('This portal link may only look, not change anything.').waitFor();
    assert.equal((await hookflow.request('GET', `/v1/hooks/${created.body.id}`)).body.status, 'enabled');
    await readOnly.close();
    assert.deepEqual(problems, [], 'no JavaScript error in the whole flow');
  });
});
