import { randomBytes } from 'node:crypto';
import { startFakeProvider, type FakeAnswer, type FakeProvider, type FakeRequest, type FakeResponse } from './provider';

/** The account the fake expects; twilioTargetFor() hands the same values to a hook. */
export const FAKE_TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'fake-twilio-auth-token-5b8e2d',
  /** Twilio's magic test number for a valid sender. */
  from: '+15005550006',
  to: '+14155550100',
} as const;

const MESSAGES_PATH = `/2010-04-01/Accounts/${FAKE_TWILIO.accountSid}/Messages.json`;
const BASIC_AUTH = `Basic ${Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64')}`;
const E164 = /^\+[1-9]\d{1,14}$/;
const SENDER = /^(\+[1-9]\d{1,14}|[A-Za-z0-9 ]{1,11})$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const MAX_BODY = 1600;

/** Twilio's error body: its code, what it means, where it is documented, and the HTTP status again. */
export function twilioError(status: number, code: number, message: string): FakeResponse & { body: string } {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
  };
}

/** The Create Message request's documented rules: POST, basic auth as the account, a form with To, a sender and Body. */
function check(request: FakeRequest): string[] {
  const form = new URLSearchParams(request.body);
  const body = form.get('Body');
  const from = form.get('From');
  const service = form.get('MessagingServiceSid');
  return [
    ...(request.method === 'POST' ? [] : [`method is ${request.method}, not POST`]),
    ...(request.path === MESSAGES_PATH ? [] : [`path is ${request.path}, not ${MESSAGES_PATH}`]),
    ...(request.headers.authorization === BASIC_AUTH ? [] : ['authorization is not basic auth as SID:token']),
    ...(request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
      ? []
      : [`content-type is ${request.headers['content-type']}, not a form`]),
    ...(E164.test(form.get('To') ?? '') ? [] : [`To ${form.get('To')} is not E.164`]),
    ...(from === null && service === null ? ['neither From nor MessagingServiceSid'] : []),
    ...(from === null || SENDER.test(from) ? [] : [`From ${from} is neither E.164 nor an alphanumeric sender id`]),
    ...(service === null || MESSAGING_SERVICE_SID.test(service) ? [] : [`MessagingServiceSid ${service} is malformed`]),
    ...(body ? [] : ['no Body']),
    ...(body && body.length > MAX_BODY ? [`Body has ${body.length} characters, more than ${MAX_BODY}`] : []),
  ];
}

/** The Message resource Twilio answers 201 with: queued from a number, accepted by a messaging service. */
function messageResource(request: FakeRequest) {
  const form = new URLSearchParams(request.body);
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString();
  const service = form.get('MessagingServiceSid');
  return {
    sid,
    account_sid: FAKE_TWILIO.accountSid,
    api_version: '2010-04-01',
    to: form.get('To'),
    from: form.get('From'),
    messaging_service_sid: service,
    body: form.get('Body'),
    status: service ? 'accepted' : 'queued',
    direction: 'outbound-api',
    num_segments: '1',
    num_media: '0',
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    date_created: now,
    date_updated: now,
    date_sent: null,
    uri: `${MESSAGES_PATH.replace(/\.json$/, '')}/${sid}.json`,
    subresource_uris: { media: `${MESSAGES_PATH.replace(/\.json$/, '')}/${sid}/Media.json` },
  };
}

/**
 * Twilio's Messages API on loopback. `retryable` is throttling (429 with
 * Retry-After, error 20429), `permanent` an invalid recipient (400, error 21211).
 */
export function startFakeTwilio(options: { retryAfterSeconds?: number } = {}): Promise<FakeProvider> {
  const answers: Record<FakeAnswer, (request: FakeRequest) => FakeResponse> = {
    ok: (request) => ({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageResource(request)),
    }),
    retryable: () => {
      const throttled = twilioError(429, 20429, 'Too Many Requests');
      return { ...throttled, headers: { ...throttled.headers, 'retry-after': String(options.retryAfterSeconds ?? 1) } };
    },
    permanent: (request) =>
      twilioError(400, 21211, `Invalid 'To' Phone Number: ${new URLSearchParams(request.body).get('To')}`),
  };
  return startFakeProvider({ name: 'twilio', check, respond: (answer, request) => answers[answer](request) });
}

/** The API input of a Twilio SMS hook that sends through the fake, with the account it checks. */
export function twilioTargetFor(fake: FakeProvider) {
  return {
    type: 'twilio-sms' as const,
    accountSid: FAKE_TWILIO.accountSid,
    authToken: FAKE_TWILIO.authToken,
    from: FAKE_TWILIO.from,
    to: FAKE_TWILIO.to,
    baseUrl: fake.url,
  };
}
