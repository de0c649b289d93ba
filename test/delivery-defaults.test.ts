import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/**
 * Global delivery defaults (HOOKFLOW_DELIVERY_TIMEOUT, HOOKFLOW_RETRY_SCHEDULE,
 * HOOKFLOW_DISABLE_AFTER_*) on the real stack: hooks that set nothing follow
 * them, and a hook's own values win setting by setting.
 */
describe('global delivery defaults, overridden per hook', () => {
  const defaults = {
    timeout: '3s',
    retrySchedule: ['1s'],
    retryOn: 'transient' as const,
    disableAfter: { failures: 50, window: '1h' },
  };
  /** Pacing has no global default: a hook without its own shows none. */
  const shown = { ...defaults, rateLimit: null, maxInFlight: null, ordering: null };
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow({ deliveryDefaults: defaults });
    receiver = await startReceiver(() => 500);
    owner = await hookflow.createOwner('Defaults');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const as = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });

  async function createHook(path: string, delivery?: unknown) {
    const hook = await as('POST', '/v1/hooks', {
      name: path,
      events: ['reaction'],
      resourceTypes: [path.slice(1)],
      target: { type: 'http', url: `${receiver.url}${path}` },
      ...(delivery ? { delivery } : {}),
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    return hook.body;
  }

  async function failedDelivery(path: string) {
    const posted = await as('POST', '/v1/events', { type: 'reaction', resourceType: path.slice(1), data: {} });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    return eventually(async () => {
      const event = await as('GET', `/v1/events/${posted.body.id}`);
      const delivery = (await as('GET', `/v1/deliveries/${event.body.deliveries[0]?.id}`)).body;
      assert.equal(delivery.status, 'failed');
      return delivery;
    }, 20_000);
  }

  it('shows and applies the global defaults to a hook that sets none', async () => {
    const hook = await createHook('/plain');
    assert.deepEqual(hook.delivery, shown);
    const delivery = await failedDelivery('/plain');
    assert.equal(delivery.failureReason, 'Gave up after 2 attempts; last: HTTP 500');
  });

  it("uses a hook's own schedule over the default one, and keeps the other defaults", async () => {
    const hook = await createHook('/own', { retrySchedule: ['1s', '1s'] });
    assert.deepEqual(hook.delivery, { ...shown, retrySchedule: ['1s', '1s'] });
    const delivery = await failedDelivery('/own');
    assert.equal(delivery.failureReason, 'Gave up after 3 attempts; last: HTTP 500');
  });

  it('patches one setting at a time, and null hands it back to the default', async () => {
    const hook = await createHook('/patched', { timeout: '10s', retrySchedule: ['2s'] });
    const patched = await as('PATCH', `/v1/hooks/${hook.id}`, { delivery: { disableAfter: { failures: 5 } } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body.delivery, {
      ...shown,
      timeout: '10s',
      retrySchedule: ['2s'],
      retryOn: 'transient',
      disableAfter: { failures: 5, window: '1h' },
    });
    const reset = await as('PATCH', `/v1/hooks/${hook.id}`, { delivery: { timeout: null, retrySchedule: null } });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.deepEqual(reset.body.delivery, { ...shown, disableAfter: { failures: 5, window: '1h' } });
  });

  it('refuses a setting out of bounds with a 400 naming it', async () => {
    for (const timeout of ['2m', '91s', '90001ms']) {
      const refused = await as('POST', '/v1/hooks', {
        name: 'too slow',
        events: ['reaction'],
        target: { type: 'http', url: `${receiver.url}/slow` },
        delivery: { timeout },
      });
      assert.equal(refused.status, 400, timeout);
      assert.match(JSON.stringify(refused.body.error), /delivery\.timeout.*from 100ms to 90s/, timeout);
    }
  });

  it("takes a hook's own timeout up to 90 s, beyond the 60 s its default may be", async () => {
    const hook = await createHook('/patient', { timeout: '90s' });
    assert.equal(hook.delivery.timeout, '90s');
    const patched = await as('PATCH', `/v1/hooks/${hook.id}`, { delivery: { timeout: '1m' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.delivery.timeout, '1m');
  });
});
