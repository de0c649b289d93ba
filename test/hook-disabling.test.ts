import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHttpClient } from '../activities/http/client';
import { createHookSender } from '../activities/hook-sender';
import { createLaneHandOff } from '../activities/lane-hand-off';
import { createLaterAttempt } from '../activities/later-attempts';
import { NO_WATCHERS } from '../activities/attempt-watchers';
import { NO_ANNOUNCEMENTS } from '../activities/operational-events';
import { createResumeActivities } from '../activities/resume';
import { createSender as createHttpSender } from '../targets/http/sender';
import { loadConfig } from '../infra/config';
import { deliveryId, eventKey, idOf, type EventId } from '../core/ids';
import type { CaughtMail } from '../scripts/devstack/smtp-catcher';
import { eventually } from './support/eventually';
import { closedBreaker } from './support/closed-breaker';
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

  it('a resume page retried after a crash between claiming a delivery and sending it still sends it, once', async () => {
    status = 200;
    const owner = await hookflow.createOwner('Resumer');
    const hook = await hookflow.request(
      'POST',
      '/v1/hooks',
      { name: 'resumed', events: ['resource.*'], target: { type: 'http', url: `${receiver.url}/resumed` } },
      { key: owner.apiKey },
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const failedAttempt = { startedAt: new Date(), durationMs: 5, statusCode: 500 };
    const delivery = async (eventId: EventId, state: Record<string, unknown>) => {
      await hookflow.models.Event.create({
        _id: eventKey(owner.id, eventId),
        id: eventId,
        type: 'resource.updated',
        ownerId: owner.id,
        resourceType: 'project',
        data: { id: eventId },
      });
      const id = deliveryId(eventId, hook.body.id);
      await hookflow.models.Delivery.create({
        _id: id,
        eventId,
        hookId: hook.body.id,
        ownerId: owner.id,
        attempts: [failedAttempt],
        ...state,
      });
      return id;
    };
    // What the first try left: one delivery claimed and not sent; one claimed, sent, failed again, and never
    // handed on to its retry workflow; one still paused.
    const sentThenCrashed = await delivery(idOf('event', 'evt_sent_then_crashed'), {
      status: 'retrying',
      attempts: [failedAttempt, failedAttempt],
      nextAttemptAt: new Date(),
      attemptsBeforeResume: 1,
      resumeClaim: 'crashed-run:0',
    });
    const orphan = await delivery(idOf('event', 'evt_claimed_then_crashed'), {
      status: 'retrying',
      nextAttemptAt: new Date(),
      attemptsBeforeResume: 1,
      resumeClaim: 'crashed-run:0',
    });
    const paused = await delivery(idOf('event', 'evt_still_paused'), {
      status: 'paused',
      failureReason: 'Hook disabled: test',
    });

    const http = createHttpClient({ allowPrivateTargets: true });
    const sender = createHookSender({
      senders: new Map([['http', createHttpSender({ http, publicUrl: hookflow.url })]]),
      secrets: hookflow.secrets,
      deliveryDefaults: hookflow.config.deliveryDefaults,
    });
    const { temporal, models } = hookflow;
    const handToLanes = createLaneHandOff({ temporal, taskQueue: hookflow.config.temporal.taskQueue });
    const { attemptLater } = createLaterAttempt({
      models,
      sender,
      hostBreaker: closedBreaker,
      temporal,
      handToLanes,
      tellWatchers: NO_WATCHERS,
      announceFailing: NO_ANNOUNCEMENTS,
    });
    const activities = createResumeActivities({ models, temporal, attemptLater, handToLanes });
    const retried = new MockActivityEnvironment({ attempt: 2, taskQueue: hookflow.config.temporal.taskQueue });
    const resumed = await retried.run(() =>
      activities.resumePausedPage({ hookId: hook.body.id, limit: 20, claim: 'crashed-run:0' }),
    );
    await http.close();
    assert.equal(resumed, 3);

    for (const [id, attempts] of [
      [sentThenCrashed, 3],
      [orphan, 2],
      [paused, 2],
    ] as const) {
      const current = await eventually(async () => {
        const read = await hookflow.request('GET', `/v1/deliveries/${id}`);
        assert.equal(read.body.status, 'succeeded', JSON.stringify(read.body));
        return read.body;
      }, 20_000);
      assert.equal(current.attempts.length, attempts);
      assert.equal(receiver.requests.filter((r) => r.headers['webhook-id'] === id).length, 1);
    }
  });
});
