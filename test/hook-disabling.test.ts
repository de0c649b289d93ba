import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../domain/config';
import type { CaughtMail } from '../scripts/devstack/smtp-catcher';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** Disable-and-email on the real stack, read back from the SMTP catcher (threshold 3, window 0, 1 s retries). */
describe('a failing hook is disabled and its owner emailed once', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let status = 500;
  const mailbox = loadConfig().mailboxUrl;

  before(async () => {
    assert.ok(mailbox, 'npm test starts an SMTP catcher and says where it lists mails');
    hookflow = await startHookflow();
    receiver = await startReceiver(() => status);
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  async function mailsTo(address: string): Promise<CaughtMail[]> {
    return (await (await fetch(`${mailbox}?to=${encodeURIComponent(address)}`)).json()) as CaughtMail[];
  }

  it('disables after 3 failures, parks the deliveries, mails once, and resumes them on enable', async () => {
    const created = await hookflow.request('POST', '/v1/owners', {
      name: 'Creads Dev',
      email: `dev-${Date.now()}@creads.test`,
    });
    const owner = {
      id: created.body.id as string,
      key: created.body.apiKey as string,
      email: created.body.email as string,
    };
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.key });
    const hook = await as('POST', '/v1/hooks', {
      name: 'crm sync',
      events: ['resource.*'],
      target: { type: 'http', url: `${receiver.url}/crm` },
      delivery: { retrySchedule: ['1s', '1s', '1s', '1s', '1s'], disableAfter: { failures: 3, window: '0s' } },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));

    // Four events at once: their failures race to disable the hook.
    const posted = await Promise.all(
      ['a', 'b', 'c', 'd'].map((id) =>
        as('POST', '/v1/events', { type: 'resource.updated', resourceType: 'project', resourceId: id, data: { id } }),
      ),
    );
    assert.ok(posted.every((p) => p.status === 202));

    const disabled = await eventually(async () => {
      const current = await as('GET', `/v1/hooks/${hook.body.id}`);
      assert.equal(current.body.status, 'disabled');
      return current.body;
    }, 20_000);
    assert.match(disabled.disabledReason, /failed attempts in a row since .* \(limit 3 over 0s\)/);

    const deliveries = await eventually(async () => {
      const listed = await as('GET', `/v1/deliveries?hookId=${hook.body.id}`);
      assert.equal(listed.body.data.length, 4);
      assert.ok(
        listed.body.data.every((d: { status: string }) => d.status === 'paused'),
        JSON.stringify(listed.body.data),
      );
      return listed.body.data;
    }, 20_000);

    const [mail] = await eventually(async () => {
      const mails = await mailsTo(owner.email);
      assert.equal(mails.length, 1);
      return mails;
    }, 20_000);
    assert.ok(mail);
    assert.equal(mail.subject, 'Hookflow disabled your hook "crm sync"');
    assert.match(mail.text, new RegExp(hook.body.id));
    assert.match(mail.text, /Latest errors:\n {2}- \S+ {2}HTTP 500/);
    assert.match(mail.text, new RegExp(`/v1/hooks/${hook.body.id}/enable`));
    await sleep(2_500);
    assert.equal((await mailsTo(owner.email)).length, 1, 'still exactly one mail');
    const requestsWhileDisabled = receiver.requests.length;
    await sleep(1_500);
    assert.equal(receiver.requests.length, requestsWhileDisabled, 'nothing is sent to a disabled hook');

    status = 200;
    const enabled = await as('POST', `/v1/hooks/${hook.body.id}/enable`);
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.status, 'enabled');
    await eventually(async () => {
      for (const delivery of deliveries) {
        const current = await as('GET', `/v1/deliveries/${delivery.id}`);
        assert.equal(current.body.status, 'succeeded', JSON.stringify(current.body));
      }
    }, 20_000);
    const raw = await hookflow.mongo.collection('hooks').findOne({ _id: hook.body.id });
    assert.equal(raw?.failureCount, 0);
    assert.equal(raw?.failingSince, undefined);
  });
});
