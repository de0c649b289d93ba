import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventKey, idOf } from '../core/ids';
import { loadConfig } from '../infra/config';
import { eventWorkflowId } from '../shared/temporal-names';
import type { CaughtMail } from '../scripts/devstack/smtp-catcher';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

/** How long the receiver takes to answer each request: long enough that requests sent together would overlap. */
const ANSWER_DELAY_MS = 60;

/**
 * Hooks that are off, on the real stack: what arrives meanwhile is kept as
 * paused deliveries and resumed on enable, oldest first and one at a time, or
 * dropped on record when the owner asks.
 */
describe('nothing dropped while a hook is off', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Per path: the status the receiver answers now. */
  const answers: Record<string, number> = {};
  const mailbox = loadConfig().mailboxUrl;

  before(async () => {
    assert.ok(mailbox, 'npm test starts an SMTP catcher and says where it lists mails');
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => ({ status: answers[request.path] ?? 200, delayMs: ANSWER_DELAY_MS }));
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  async function ownerWithHook(path: string) {
    const email = `parking-${path.slice(1)}-${Date.now()}@example.test`;
    const created = await hookflow.request('POST', '/v1/owners', { name: `Parking ${path.slice(1)}`, email });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const as = (method: string, url: string, body?: unknown) =>
      hookflow.request(method, url, body, { key: created.body.apiKey as string });
    const hook = await as('POST', '/v1/hooks', {
      name: path,
      events: ['resource.*'],
      target: { type: 'http', url: `${receiver.url}${path}` },
      delivery: { retrySchedule: [] },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    return { as, hookId: hook.body.id as string, email, ownerId: idOf('owner', created.body.id as string) };
  }

  type As = Awaited<ReturnType<typeof ownerWithHook>>['as'];

  const deliveriesOf = async (as: As, hookId: string) =>
    (await as('GET', `/v1/deliveries?hookId=${hookId}&limit=100`)).body.data as {
      id: string;
      eventId: string;
      status: string;
      attempts: number;
      failureReason?: string;
    }[];

  /** Posts events with these numbers, each once the one before has its delivery, so that they are made in order. */
  async function postInOrder(as: As, hookId: string, numbers: number[]) {
    for (const n of numbers) {
      const before = (await deliveriesOf(as, hookId)).length;
      const posted = await as('POST', '/v1/events', {
        type: 'resource.updated',
        resourceType: 'project',
        resourceId: `p${n}`,
        data: { n },
      });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      await eventually(async () => assert.equal((await deliveriesOf(as, hookId)).length, before + 1));
    }
  }

  const received = (path: string): ReceivedRequest[] => receiver.requests.filter((r) => r.path === path);
  const numbersOn = (path: string) => received(path).map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);

  /** Each request arrived after the answer to the one before: they were sent one at a time. */
  function assertOneAtATime(requests: ReceivedRequest[]) {
    for (let i = 1; i < requests.length; i++) {
      const gap = (requests[i]?.receivedAt ?? 0) - (requests[i - 1]?.receivedAt ?? 0);
      assert.ok(gap >= ANSWER_DELAY_MS - 5, `request ${i + 1} came ${gap} ms after the one before, before its answer`);
    }
  }

  it('keeps the events that arrive after Hookflow disabled a hook, and sends them oldest first on enable', async () => {
    const { as, hookId, email } = await ownerWithHook('/gone');
    answers['/gone'] = 410;
    await postInOrder(as, hookId, [0]);
    const disabled = await eventually(async () => {
      const hook = (await as('GET', `/v1/hooks/${hookId}`)).body;
      assert.equal(hook.status, 'disabled');
      return hook;
    }, 20_000);
    assert.equal(disabled.parking, true, 'a hook Hookflow disabled keeps what arrives');

    await postInOrder(as, hookId, [1, 2, 3, 4, 5, 6, 7, 8]);
    const kept = (await deliveriesOf(as, hookId)).filter((d) => d.status === 'paused');
    assert.equal(kept.length, 8, JSON.stringify(await deliveriesOf(as, hookId)));
    assert.ok(kept.every((d) => d.attempts === 0 && /^Hook disabled: /.test(d.failureReason ?? '')));
    assert.deepEqual(numbersOn('/gone'), [0], 'nothing is sent while the hook is off');

    const [mail] = await eventually(async () => {
      const mails = (await (await fetch(`${mailbox}?to=${encodeURIComponent(email)}`)).json()) as CaughtMail[];
      assert.equal(mails.length, 1);
      return mails;
    }, 20_000);
    assert.match(mail?.text ?? '', /New events are being kept too/);

    answers['/gone'] = 200;
    const enabled = await as('POST', `/v1/hooks/${hookId}/enable`);
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    assert.deepEqual(
      [enabled.body.status, enabled.body.parking, enabled.body.parked],
      ['enabled', false, { resuming: 8, cancelled: 0 }],
    );
    await eventually(() => assert.equal(received('/gone').length, 9), 20_000);
    assert.deepEqual(numbersOn('/gone'), [0, 1, 2, 3, 4, 5, 6, 7, 8], 'oldest first');
    assertOneAtATime(received('/gone').slice(1));
    await eventually(async () => {
      const statuses = (await deliveriesOf(as, hookId)).map((d) => d.status).sort();
      assert.deepEqual(statuses, ['failed', ...Array<string>(8).fill('succeeded')]);
    });
  });

  it('lets an owner disable without parking, and drop on record what was parked', async () => {
    const { as, hookId, ownerId } = await ownerWithHook('/by-hand');
    const off = await as('POST', `/v1/hooks/${hookId}/disable`, { reason: 'maintenance', park: false });
    assert.deepEqual([off.status, off.body.status, off.body.parking], [200, 'disabled', false]);
    const passedBy = await as('POST', '/v1/events', {
      type: 'resource.updated',
      resourceType: 'project',
      resourceId: 'p1',
      data: { n: 1 },
    });
    assert.equal(passedBy.status, 202);
    // Alone in its dispatch, the event's workflow is named after it.
    const workflowId = eventWorkflowId(eventKey(ownerId, idOf('event', passedBy.body.id as string)));
    await hookflow.temporal.workflow.getHandle(workflowId).result();
    assert.deepEqual(await deliveriesOf(as, hookId), [], 'without parking, an event passes the hook by');

    const parking = await as('POST', `/v1/hooks/${hookId}/disable`, { reason: 'maintenance' });
    assert.deepEqual([parking.body.status, parking.body.parking], ['disabled', true], 'parking is the default');
    await postInOrder(as, hookId, [2, 3]);
    assert.deepEqual(
      (await deliveriesOf(as, hookId)).map((d) => [d.status, d.failureReason]),
      [
        ['paused', 'Hook disabled: maintenance'],
        ['paused', 'Hook disabled: maintenance'],
      ],
    );

    const enabled = await as('POST', `/v1/hooks/${hookId}/enable`, { resume: false });
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    assert.deepEqual(enabled.body.parked, { resuming: 0, cancelled: 2 });
    assert.deepEqual(
      (await deliveriesOf(as, hookId)).map((d) => [d.status, d.failureReason]),
      [
        ['cancelled', 'Not resumed: the hook was enabled with resume: false'],
        ['cancelled', 'Not resumed: the hook was enabled with resume: false'],
      ],
    );
    await postInOrder(as, hookId, [4]);
    await eventually(() => assert.deepEqual(numbersOn('/by-hand'), [4]), 10_000);
  });

  it('refuses a disable or enable body it does not know, naming the field', async () => {
    const { as, hookId } = await ownerWithHook('/refused');
    const park = await as('POST', `/v1/hooks/${hookId}/disable`, { park: 'yes' });
    assert.equal(park.status, 400, JSON.stringify(park.body));
    assert.match(JSON.stringify(park.body), /park/);
    const resume = await as('POST', `/v1/hooks/${hookId}/enable`, { resume: 1 });
    assert.equal(resume.status, 400, JSON.stringify(resume.body));
    assert.match(JSON.stringify(resume.body), /resume/);
  });

  it('recovers a hook one delivery at a time, in the order the deliveries were made', async () => {
    const { as, hookId } = await ownerWithHook('/recovered');
    const since = new Date().toISOString();
    answers['/recovered'] = 422;
    const numbers = Array.from({ length: 12 }, (_, i) => i + 1);
    await postInOrder(as, hookId, numbers);
    await eventually(async () => {
      const statuses = (await deliveriesOf(as, hookId)).map((d) => d.status);
      assert.deepEqual(statuses, Array<string>(12).fill('failed'));
    });
    answers['/recovered'] = 200;
    const sentBefore = received('/recovered').length;
    // 10 a second: a page of 10 that used to go out at once.
    const started = await as('POST', `/v1/hooks/${hookId}/recover`, { since, ratePerSecond: 10 });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await eventually(() => assert.equal(received('/recovered').length, sentBefore + 12), 30_000);
    const recovered = received('/recovered').slice(sentBefore);
    assert.deepEqual(
      recovered.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n),
      numbers,
    );
    assertOneAtATime(recovered);
  });
});
