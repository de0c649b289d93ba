import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../infra/config';
import type { CaughtMail } from '../scripts/devstack/smtp-catcher';
import { eventually } from './support/eventually';
import { discordTargetFor, startFakeDiscord } from './support/fakes/discord';
import { ga4TargetFor, startFakeGa4 } from './support/fakes/ga4';
import type { ScriptedFake } from './support/fakes/provider';
import { slackTargetFor, startFakeSlack } from './support/fakes/slack';
import { emailTargetFor, startFakeSmtp } from './support/fakes/smtp';
import { startFakeTelegram, telegramTargetFor } from './support/fakes/telegram';
import { startFakeTwilio, twilioTargetFor } from './support/fakes/twilio';
import { startFakeUa, uaTargetFor } from './support/fakes/ua';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

interface TargetKind {
  type: string;
  fake: ScriptedFake;
  target: Record<string, unknown>;
}

/**
 * Every target type on the real stack, each against a local fake of its
 * provider that checks the wire format: the same record, retries,
 * disable-and-email and outcomes as an HTTP hook.
 */
describe('every target type, same guarantees (real stack, local provider fakes)', () => {
  let hookflow: Hookflow;
  let kinds: TargetKind[];
  let httpReceiver: Awaited<ReturnType<typeof startReceiver>>;
  let httpAnswers: number[] = [];
  const mailbox = loadConfig().mailboxUrl;

  before(async () => {
    hookflow = await startHookflow();
    httpReceiver = await startReceiver(() => httpAnswers.shift() ?? 200);
    const http: ScriptedFake = {
      accepted: httpReceiver.requests,
      violations: [],
      script: (...answers) => {
        httpAnswers = answers.map((answer) => ({ ok: 200, retryable: 503, permanent: 422 })[answer]);
      },
      close: () => httpReceiver.close(),
    };
    const [ga4, ua, smtp, twilio, slack, discord, telegram] = await Promise.all([
      startFakeGa4(),
      startFakeUa(),
      startFakeSmtp(),
      startFakeTwilio(),
      // Providers' retry hints kept to a second, so that the retry tests take seconds.
      startFakeSlack({ retryAfterSeconds: 1 }),
      startFakeDiscord({ retryAfterSeconds: 1 }),
      startFakeTelegram({ retryAfterSeconds: 1 }),
    ]);
    kinds = [
      { type: 'http', fake: http, target: { type: 'http', url: `${httpReceiver.url}/hook` } },
      { type: 'ga4', fake: ga4, target: ga4TargetFor(ga4) },
      { type: 'ua', fake: ua, target: uaTargetFor(ua) },
      { type: 'email', fake: smtp, target: emailTargetFor(smtp) },
      { type: 'twilio-sms', fake: twilio, target: twilioTargetFor(twilio) },
      { type: 'slack', fake: slack, target: slackTargetFor(slack) },
      { type: 'discord', fake: discord, target: discordTargetFor(discord) },
      { type: 'telegram', fake: telegram, target: telegramTargetFor(telegram) },
    ];
  });
  after(async () => {
    for (const { fake } of kinds ?? []) {
      assert.deepEqual(fake.violations, [], 'every request had the wire format the provider documents');
      await fake.close();
    }
    await hookflow?.stop();
  });

  async function ownerOf(scenario: string) {
    const created = await hookflow.request('POST', '/v1/owners', {
      name: `Targets ${scenario}`,
      email: `targets-${scenario}-${Date.now()}@example.test`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return {
      id: created.body.id as string,
      apiKey: created.body.apiKey as string,
      email: created.body.email as string,
    };
  }

  /** A hook alone on its resource type, so that an event of that resource type reaches it and nothing else. */
  async function createHook(
    owner: { apiKey: string },
    resourceType: string,
    kind: Pick<TargetKind, 'type' | 'target'>,
    delivery?: object,
  ) {
    const created = await hookflow.request(
      'POST',
      '/v1/hooks',
      {
        name: `${resourceType} ${kind.type}`,
        events: ['reaction'],
        resourceTypes: [resourceType],
        target: kind.target,
        delivery,
      },
      { key: owner.apiKey },
    );
    assert.equal(created.status, 201, `${kind.type}: ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  }

  async function postTo(owner: { apiKey: string }, resourceType: string) {
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'reaction', resourceType, resourceId: 'note-1', data: { reaction: '+1' } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    return posted.body.id as string;
  }

  /** The event's one delivery, once it has reached `status`. */
  const deliveryOf = (owner: { apiKey: string }, eventId: string, status: string) =>
    eventually(async () => {
      const event = await hookflow.request('GET', `/v1/events/${eventId}`, undefined, { key: owner.apiKey });
      const summary = event.body.deliveries?.[0];
      assert.equal(summary?.status, status, JSON.stringify(event.body.deliveries));
      return (await hookflow.request('GET', `/v1/deliveries/${summary.id}`, undefined, { key: owner.apiKey })).body;
    }, 25_000);

  it('delivers one event to a hook of every target type, each recorded the same way', async () => {
    assert.ok(mailbox, 'npm test starts an SMTP catcher and says where it lists mails');
    const owner = await ownerOf('all');
    const hookIds: Record<string, string> = {};
    for (const kind of kinds) hookIds[kind.type] = await createHook(owner, 'every', kind);
    // And an email hook on the operator's own SMTP server (SMTP_URL: the stack's catcher), not a fake.
    const reader = `reader-${Date.now()}@example.test`;
    await createHook(owner, 'every', { type: 'email', target: { type: 'email', to: reader } });
    const before = new Map(kinds.map(({ type, fake }) => [type, fake.accepted.length]));
    const eventId = await postTo(owner, 'every');
    const deliveries = await eventually(async () => {
      const event = await hookflow.request('GET', `/v1/events/${eventId}`, undefined, { key: owner.apiKey });
      assert.equal(event.body.deliveries.length, kinds.length + 1);
      assert.ok(event.body.deliveries.every((d: { status: string }) => d.status === 'succeeded'));
      return event.body.deliveries as { hookId: string; attempts: number; lastAttempt: { durationMs: number } }[];
    }, 25_000);
    for (const { type, fake } of kinds) {
      assert.equal(fake.accepted.length, (before.get(type) ?? 0) + 1, `${type} received the event once`);
      const delivery = deliveries.find((d) => d.hookId === hookIds[type]);
      assert.equal(delivery?.attempts, 1, type);
      assert.equal(typeof delivery?.lastAttempt.durationMs, 'number', type);
    }
    const [mail] = (await (await fetch(`${mailbox}?to=${encodeURIComponent(reader)}`)).json()) as CaughtMail[];
    assert.match(mail?.subject ?? '', /^reaction: every note-1$/);
    assert.match(mail?.text ?? '', new RegExp(`/v1/events/${eventId}`));
  });

  it("tests a GA4 hook against GA's validation server and answers with its messages", async () => {
    const owner = await ownerOf('ga4-test');
    const ga4 = kinds.find((kind) => kind.type === 'ga4') as TargetKind;
    const hookId = await createHook(owner, 'ga4-test', ga4);
    const tested = await hookflow.request('POST', `/v1/hooks/${hookId}/test`, {}, { key: owner.apiKey });
    assert.equal(tested.status, 200, JSON.stringify(tested.body));
    assert.equal(tested.body.outcome, 'succeeded');
    assert.deepEqual(tested.body.messages, []);
    assert.equal((ga4.fake.accepted.at(-1) as { path: string }).path, '/debug/mp/collect');
  });

  it('retries a passing failure of every target type on the schedule, then succeeds (short per-hook schedule)', async () => {
    const owner = await ownerOf('retry');
    for (const kind of kinds) {
      await createHook(owner, `retry-${kind.type}`, kind, { retrySchedule: ['1s', '1s'] });
      kind.fake.script('retryable', 'ok');
      const eventId = await postTo(owner, `retry-${kind.type}`);
      const delivery = await deliveryOf(owner, eventId, 'succeeded');
      assert.equal(delivery.attempts.length, 2, `${kind.type}: ${JSON.stringify(delivery.attempts)}`);
    }
  });

  it('fails a final refusal of every target type at once, saying why', async () => {
    const owner = await ownerOf('permanent');
    for (const kind of kinds) {
      await createHook(owner, `permanent-${kind.type}`, kind, { retrySchedule: ['1s', '1s'] });
      kind.fake.script('permanent');
      const eventId = await postTo(owner, `permanent-${kind.type}`);
      const delivery = await deliveryOf(owner, eventId, 'failed');
      assert.equal(delivery.attempts.length, 1, kind.type);
      assert.match(delivery.failureReason, /^Not retried: /, kind.type);
    }
  });

  it('disables a hook of every target type after its failure threshold, parks it and emails the owner once', async () => {
    assert.ok(mailbox, 'npm test starts an SMTP catcher and says where it lists mails');
    for (const kind of kinds) {
      const owner = await ownerOf(`disable-${kind.type}`);
      const hookId = await createHook(owner, `disable-${kind.type}`, kind, {
        retrySchedule: ['1s', '1s', '1s'],
        disableAfter: { failures: 2, window: '0s' },
      });
      kind.fake.script('retryable', 'retryable');
      const eventId = await postTo(owner, `disable-${kind.type}`);
      await deliveryOf(owner, eventId, 'paused');
      const hook = await hookflow.request('GET', `/v1/hooks/${hookId}`, undefined, { key: owner.apiKey });
      assert.equal(hook.body.status, 'disabled', kind.type);
      const mails = await eventually(async () => {
        const caught = (await (await fetch(`${mailbox}?to=${encodeURIComponent(owner.email)}`)).json()) as CaughtMail[];
        assert.equal(caught.length, 1, kind.type);
        return caught;
      });
      assert.match(mails[0]?.text ?? '', new RegExp(hookId), kind.type);
    }
  });
});
