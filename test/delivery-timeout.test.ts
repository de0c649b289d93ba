import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** Past the 60 s that bounded every timeout before, and within a hook's own 90 s. */
const SLOW_ANSWER_MS = 65_000;

/**
 * A hook's own 90 s timeout on the real stack: nothing between the API and
 * the receiver (the first attempt's local activity, the hook test's activity,
 * the HTTP client) cuts off a receiver that answers after 65 s.
 */
describe('a per-hook timeout up to 90 s (real stack)', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver(() => ({ status: 204, delayMs: SLOW_ANSWER_MS }));
    owner = await hookflow.createOwner('Patient');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  it('delivers to, and tests, a receiver that answers after 65 s', { timeout: 150_000 }, async () => {
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });
    const hook = await as('POST', '/v1/hooks', {
      name: 'slow receiver',
      events: ['reaction'],
      target: { type: 'http', url: `${receiver.url}/slow` },
      delivery: { timeout: '90s', retrySchedule: [] },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));

    // The hook test and a real delivery wait on the receiver side by side.
    const [tested, posted] = await Promise.all([
      as('POST', `/v1/hooks/${hook.body.id}/test`, {}),
      as('POST', '/v1/events', { type: 'reaction', data: { reaction: 'slow' } }),
    ]);
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    assert.equal(tested.status, 200, JSON.stringify(tested.body));
    assert.equal(tested.body.outcome, 'succeeded');
    assert.equal(tested.body.attempt.statusCode, 204);
    assert.ok(tested.body.attempt.durationMs >= SLOW_ANSWER_MS, `the test waited: ${tested.body.attempt.durationMs}`);

    const delivery = await eventually(async () => {
      const event = await as('GET', `/v1/events/${posted.body.id}`);
      const summary = event.body.deliveries[0];
      assert.equal(summary?.status, 'succeeded', JSON.stringify(summary));
      return (await as('GET', `/v1/deliveries/${summary.id}`)).body;
    }, 30_000);
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].statusCode, 204);
    assert.ok(
      delivery.attempts[0].durationMs >= SLOW_ANSWER_MS,
      `the attempt waited: ${delivery.attempts[0].durationMs}`,
    );
    assert.equal(receiver.requests.length, 2);
  });
});
