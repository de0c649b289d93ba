import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type Answer, type ReceivedRequest } from './support/receiver';

/**
 * Retries on the real stack, with short per-hook schedules (1-2 s) standing in
 * for the default 5 s … 10 h one: the mechanism is the same Temporal timer.
 */
describe('delivery retries (short per-hook schedules)', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };
  /** Per path: the answers to give, in order; the last one repeats. */
  const script: Record<string, Answer[]> = {};

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => {
      const seen = receiver.requests.filter((r) => r.path === request.path).length;
      const answers = script[request.path] ?? [200];
      return answers[Math.min(seen - 1, answers.length - 1)] as Answer;
    });
    owner = await hookflow.createOwner('Retries');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const as = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });
  const requestsTo = (path: string): ReceivedRequest[] => receiver.requests.filter((r) => r.path === path);

  /** A hook on its own path, one event to it, and the id of the resulting delivery. */
  async function deliverOnce(path: string, delivery: Record<string, unknown>, answers: Answer[]) {
    script[path] = answers;
    const hook = await as('POST', '/v1/hooks', {
      name: path,
      events: ['reaction'],
      resourceTypes: [path.slice(1)],
      target: { type: 'http', url: `${receiver.url}${path}` },
      delivery,
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const typeOk = await as('POST', '/v1/events', {
      type: 'reaction',
      resourceType: path.slice(1),
      data: { emoji: '+1' },
    });
    assert.equal(typeOk.status, 202, JSON.stringify(typeOk.body));
    const deliveryId = await eventually(async () => {
      const listed = await as('GET', `/v1/deliveries?hookId=${hook.body.id}`);
      assert.equal(listed.body.data.length, 1);
      return listed.body.data[0].id as string;
    });
    return { hookId: hook.body.id as string, deliveryId };
  }

  const read = async (deliveryId: string) => (await as('GET', `/v1/deliveries/${deliveryId}`)).body;
  /** The delivery once it has reached `status`. */
  const settled = (deliveryId: string, status: string) =>
    eventually(async () => {
      const current = await read(deliveryId);
      assert.equal(current.status, status);
      return current;
    }, 20_000);

  it('retries after a failure and succeeds, with the same webhook-id on every attempt', async () => {
    const { deliveryId } = await deliverOnce('/flaky', { retrySchedule: ['1s', '1s', '1s'] }, [500, 503, 200]);
    const delivery = await settled(deliveryId, 'succeeded');
    assert.deepEqual(
      delivery.attempts.map((a: { statusCode: number }) => a.statusCode),
      [500, 503, 200],
    );
    assert.deepEqual([...new Set(requestsTo('/flaky').map((r) => r.headers['webhook-id']))], [deliveryId]);
    await eventually(async () => {
      const found = [];
      for await (const run of hookflow.temporal.workflow.list({
        query: `WorkflowId = "delivery:${deliveryId}" AND DeliveryStatus = "succeeded"`,
      })) {
        found.push(run);
      }
      assert.equal(found.length, 1, 'the retry workflow is findable by its DeliveryStatus');
    });
  });

  it('fails at once on a 4xx other than 408, 410, 425 and 429, and starts no retry', async () => {
    const { deliveryId } = await deliverOnce('/bad-request', { retrySchedule: ['1s'] }, [400]);
    const delivery = await settled(deliveryId, 'failed');
    assert.equal(delivery.failureReason, 'Not retried: HTTP 400');
    await assert.rejects(
      hookflow.temporal.workflow.getHandle(`delivery:${deliveryId}`).describe(),
      WorkflowNotFoundError,
    );
    await sleep(1_500);
    assert.equal(requestsTo('/bad-request').length, 1);
  });

  it('disables the hook at once on 410 Gone', async () => {
    const { hookId, deliveryId } = await deliverOnce('/gone', { retrySchedule: ['1s'] }, [410]);
    await settled(deliveryId, 'failed');
    // The disabling workflow starts once the delivery is on record: give it its moment.
    const hook = await eventually(async () => {
      const read = (await as('GET', `/v1/hooks/${hookId}`)).body;
      assert.equal(read.status, 'disabled');
      return read;
    });
    assert.equal(hook.disabledReason, 'The endpoint answered 410 Gone');
    assert.ok(hook.disabledAt);
  });

  it('treats a timeout as retryable and says so', async () => {
    const { deliveryId } = await deliverOnce('/slow', { timeout: '300ms', retrySchedule: ['1s'] }, [
      { status: 200, delayMs: 2_000 },
    ]);
    const delivery = await settled(deliveryId, 'failed');
    assert.equal(delivery.attempts.length, 2);
    assert.deepEqual(
      delivery.attempts.map((a: { errorKind: string }) => a.errorKind),
      ['timeout', 'timeout'],
    );
    assert.ok(delivery.attempts[0].durationMs < 1_500, `gave up after ${delivery.attempts[0].durationMs} ms`);
    assert.match(delivery.failureReason, /^Gave up after 2 attempts; last: timeout/);
  });

  it('honours Retry-After over the schedule, and records the headers that asked for it', async () => {
    const { deliveryId } = await deliverOnce('/throttled', { retrySchedule: ['1s'] }, [
      { status: 429, headers: { 'retry-after': '3' } },
      200,
    ]);
    const retrying = await read(deliveryId);
    assert.equal(retrying.status, 'retrying');
    assert.equal(retrying.attempts[0].statusCode, 429);
    assert.equal(retrying.attempts[0].responseHeaders['retry-after'], '3');
    await settled(deliveryId, 'succeeded');
    const [first, second] = requestsTo('/throttled');
    assert.ok(first && second);
    // The schedule alone would wait 0.8-1.2 s; Retry-After asked for 3 s.
    const waited = second.receivedAt - first.receivedAt;
    assert.ok(waited >= 2_900, `waited ${waited} ms`);
  });

  it('gives up after the last delay of the schedule, saying why', async () => {
    const { deliveryId } = await deliverOnce('/down', { retrySchedule: ['1s'] }, [500]);
    const delivery = await settled(deliveryId, 'failed');
    assert.equal(delivery.attempts.length, 2);
    assert.equal(delivery.failureReason, 'Gave up after 2 attempts; last: HTTP 500');
  });

  it('parks a retrying delivery as paused when its hook is disabled', async () => {
    const { hookId, deliveryId } = await deliverOnce('/parked', { retrySchedule: ['2s'] }, [500, 200]);
    const retrying = await read(deliveryId);
    assert.equal(retrying.status, 'retrying');
    assert.ok(new Date(retrying.nextAttemptAt).getTime() > Date.now());
    await as('POST', `/v1/hooks/${hookId}/disable`, { reason: 'maintenance' });
    const parked = await settled(deliveryId, 'paused');
    assert.equal(parked.failureReason, 'Hook disabled: maintenance');
    assert.equal(requestsTo('/parked').length, 1);
  });
});
