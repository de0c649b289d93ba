import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpClient } from '../activities/http/client';
import type { AttemptResult, DeliveryContext } from '../targets/contract';
import type { TwilioSmsConfig } from '../targets/twilio-sms/config';
import { createSender as createTwilioSmsSender } from '../targets/twilio-sms/sender';
import { deliveryContext } from './support/delivery-context';
import { startFakeProvider, useFake, type FakeProvider, type FakeResponse } from './support/fakes/provider';
import { FAKE_TWILIO, startFakeTwilio, twilioError, twilioTargetFor } from './support/fakes/twilio';

const PUBLIC_URL = 'https://hookflow.test';

/** Order ord_7 shipped with UPS to Ada, to `target`. */
function contextFor(target: TwilioSmsConfig): DeliveryContext<TwilioSmsConfig> {
  return deliveryContext(target, {
    event: {
      type: 'order.shipped',
      resourceType: 'order',
      resourceId: 'ord_7',
      data: { phone: '+14155550123', carrier: 'UPS', name: 'Ada' },
    },
  });
}

/** A Twilio that always gives the same answer, for the answers the fake is not scripted to give. */
function startAnswering(response: FakeResponse): Promise<FakeProvider> {
  return startFakeProvider({ name: 'twilio-answer', check: () => [], respond: () => response });
}

/** What the record of a send would show an owner, whatever the field. */
const recorded = (result: AttemptResult) => JSON.stringify(result);

describe('Twilio SMS target', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  const sms = createTwilioSmsSender({ http, publicUrl: PUBLIC_URL });
  let fake: FakeProvider;

  useFake(async () => (fake = await startFakeTwilio()), http);

  const sent = () => new URLSearchParams(fake.accepted.at(-1)?.body);

  it('sends the Liquid recipient and body from the hook number, and records the queued message', async () => {
    const result = await sms.send(
      contextFor({
        ...twilioTargetFor(fake),
        to: '{{ event.data.phone }}',
        body: 'Hi {{ event.data.name }}, order {{ event.resourceId }} left with {{ event.data.carrier }}.',
      }),
    );

    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.attempt.statusCode, 201);
    const message = JSON.parse(result.attempt.responseBody ?? '');
    assert.match(message.sid, /^SM[0-9a-f]{32}$/);
    assert.equal(message.status, 'queued');
    assert.equal(fake.accepted.length, 1);
    assert.deepEqual(Object.fromEntries(sent()), {
      To: '+14155550123',
      From: FAKE_TWILIO.from,
      Body: 'Hi Ada, order ord_7 left with UPS.',
    });
  });

  it('names the event and its resource by default', async () => {
    const result = await sms.send(contextFor(twilioTargetFor(fake)));

    assert.equal(result.outcome, 'succeeded');
    assert.equal(sent().get('To'), FAKE_TWILIO.to);
    assert.equal(sent().get('Body'), 'order.shipped: order ord_7');
  });

  it('sends through a messaging service as MessagingServiceSid, and an alphanumeric sender as From', async () => {
    const service = `MG${'ab'.repeat(16)}`;
    assert.equal((await sms.send(contextFor({ ...twilioTargetFor(fake), from: service }))).outcome, 'succeeded');
    assert.equal(sent().get('MessagingServiceSid'), service);
    assert.equal(sent().get('From'), null);

    assert.equal((await sms.send(contextFor({ ...twilioTargetFor(fake), from: 'MGHookflow' }))).outcome, 'succeeded');
    assert.equal(sent().get('From'), 'MGHookflow');
    assert.equal(sent().get('MessagingServiceSid'), null);
  });

  it('cuts the body to 1,600 characters without splitting a character', async () => {
    await sms.send(contextFor({ ...twilioTargetFor(fake), body: `{% for i in (1..2000) %}x{% endfor %}` }));
    assert.equal(sent().get('Body'), 'x'.repeat(1600));

    await sms.send(contextFor({ ...twilioTargetFor(fake), body: `x{% for i in (1..1000) %}😀{% endfor %}` }));
    assert.equal(sent().get('Body'), `x${'😀'.repeat(799)}`);
  });

  it("retries Twilio's throttling, waiting as long as it asks within bounds, and the next send goes through", async () => {
    fake.script('retryable');
    const throttled = await sms.send(contextFor(twilioTargetFor(fake)));
    assert.equal(throttled.outcome, 'retryable');
    assert.equal(throttled.attempt.statusCode, 429);
    assert.equal(throttled.retryAfterMs, 1_000);
    assert.equal((await sms.send(contextFor(twilioTargetFor(fake)))).outcome, 'succeeded');

    const patient = await startFakeTwilio({ retryAfterSeconds: 7_200 });
    patient.script('retryable');
    const bounded = await sms.send(contextFor(twilioTargetFor(patient)));
    await patient.close();
    assert.equal(bounded.retryAfterMs, 60 * 60 * 1_000);
    assert.deepEqual(patient.violations, []);
  });

  it('fails an invalid number at once, with Twilio’s code in the record', async () => {
    fake.script('permanent');
    const result = await sms.send(contextFor(twilioTargetFor(fake)));

    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.statusCode, 400);
    assert.equal(JSON.parse(result.attempt.responseBody ?? '').code, 21211);
  });

  it("judges Twilio's other answers: a full sender queue and 5xx retry, refused credentials do not", async () => {
    const cases = [
      {
        response: twilioError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages"),
        outcome: 'retryable',
      },
      { response: twilioError(503, 20503, 'Service Unavailable'), outcome: 'retryable' },
      { response: twilioError(401, 20003, 'Authenticate'), outcome: 'permanent' },
      { response: twilioError(403, 20003, 'Permission Denied'), outcome: 'permanent' },
      { response: twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'), outcome: 'permanent' },
      { response: twilioError(400, 21614, "'To' number is not a valid mobile number"), outcome: 'permanent' },
    ];
    for (const { response, outcome } of cases) {
      const twilio = await startAnswering(response);
      const result = await sms.send(contextFor({ ...twilioTargetFor(fake), baseUrl: twilio.url }));
      await twilio.close();
      assert.equal(result.outcome, outcome, response.body);
      assert.equal(result.attempt.statusCode, response.status);
    }
  });

  it('retries when Twilio cannot be reached', async () => {
    const gone = await startAnswering({ status: 201 });
    await gone.close();
    const result = await sms.send(contextFor({ ...twilioTargetFor(fake), baseUrl: gone.url }));

    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.errorKind, 'connection');
  });

  it('fails at once, saying why, when the recipient is not E.164 or a template does not render', async () => {
    const cases = [
      { field: { to: '{{ event.data.carrier }}' }, why: /rendered "UPS", not an E\.164 number/ },
      { field: { to: '004915112345678' }, why: /not an E\.164 number/ },
      { field: { to: '{{ event.data.nobody }}' }, why: /rendered "", not an E\.164 number/ },
      { field: { body: '{{ event.type | no_such_filter }}' }, why: /failed to render.*no_such_filter/ },
      { field: { body: '{{ event.data.nobody }}' }, why: /body rendered empty/ },
    ];
    for (const { field, why } of cases) {
      const result = await sms.send(contextFor({ ...twilioTargetFor(fake), ...field }));
      assert.equal(result.outcome, 'permanent', JSON.stringify(field));
      assert.equal(result.attempt.errorKind, 'render');
      assert.match(result.attempt.errorMessage ?? '', why);
    }
    assert.equal(fake.accepted.length, 0);
  });

  it('refuses a private baseUrl unless private targets are allowed', async () => {
    const guarded = createHttpClient({ allowPrivateTargets: false });
    const result = await createTwilioSmsSender({ http: guarded, publicUrl: PUBLIC_URL }).send(
      contextFor(twilioTargetFor(fake)),
    );
    await guarded.close();

    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.errorKind, 'private_address');
    assert.equal(fake.accepted.length, 0);
  });

  it('never records the auth token, and the fake found nothing wrong in what was sent', async () => {
    fake.script('retryable', 'permanent');
    const results = [
      await sms.send(contextFor(twilioTargetFor(fake))),
      await sms.send(contextFor(twilioTargetFor(fake))),
      await sms.send(contextFor(twilioTargetFor(fake))),
    ];
    assert.deepEqual(
      results.map((result) => result.outcome),
      ['retryable', 'permanent', 'succeeded'],
    );
    for (const result of results) assert.ok(!recorded(result).includes(FAKE_TWILIO.authToken));
    assert.deepEqual(fake.violations, []);
  });
});
