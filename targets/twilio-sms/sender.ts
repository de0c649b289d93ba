import { cutText, eventHeadline, FORM_TYPE, RenderError, renderText, templateScope } from '../../core/payloads';
import type { HttpResult } from '../../activities/http/client';
import { jsonObject, judgeHttpResult, rendered } from '../sending/outcome';
import type { TwilioSmsConfig } from './config';
import type { AttemptResult, DeliveryContext, Outcome, Sender, SenderDependencies } from '../contract';

const TWILIO_API = 'https://api.twilio.com';
const E164 = /^\+[1-9]\d{1,14}$/;
/** An alphanumeric sender id may start with MG too: only the full SID shape names a messaging service. */
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
/** Twilio refuses longer bodies (error 21617). */
const MAX_BODY = 1600;
/**
 * Twilio's own advice is to retry by HTTP status, 429 and 5xx, and not other
 * 4xx (its guide "Handling Twilio REST API Error Codes and Implementing Retry
 * Logic"): judgeHttpResult's rule. 21611 is the 400 that passes: the sender's
 * queue is full and drains at its sending rate (twilio.com/docs/errors/21611).
 */
const QUEUE_FULL = 21611;

/** Recipient and body for one event. Throws RenderError: neither gets better on a retry. */
function renderSms(context: DeliveryContext, target: TwilioSmsConfig, publicUrl: string) {
  const scope = templateScope(context, publicUrl);
  const to = renderText(target.to, scope).trim();
  if (!E164.test(to)) {
    throw new RenderError(`The recipient rendered "${to.slice(0, 50)}", not an E.164 number such as +14155550100`);
  }
  // No ellipsis: every character of an SMS counts against its price.
  const text = target.body === undefined ? eventHeadline(context.event) : renderText(target.body, scope);
  const body = cutText(text, MAX_BODY, '');
  if (body.trim() === '') throw new RenderError('The body rendered empty; Twilio refuses an SMS without one');
  return { to, body };
}

function classifyTwilio(response: Extract<HttpResult, { kind: 'response' }>): Outcome | undefined {
  return jsonObject(response.body)?.code === QUEUE_FULL ? 'retryable' : undefined;
}

/**
 * An SMS per event through Twilio's Messages API. The auth token travels in
 * the Authorization header only; the attempt records the answer without it
 * (Twilio's never carries it, a proxy's echo might).
 */
export function createSender({
  http,
  publicUrl,
}: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<TwilioSmsConfig> {
  return {
    async send(context: DeliveryContext<TwilioSmsConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const startedAt = new Date();
      const sms = rendered(() => renderSms(context, target, publicUrl), startedAt);
      if ('failure' in sms) return sms.failure;
      const sender = MESSAGING_SERVICE_SID.test(target.from) ? 'MessagingServiceSid' : 'From';
      const base = (target.baseUrl ?? TWILIO_API).replace(/\/+$/, '');
      const credentials = Buffer.from(`${target.accountSid}:${target.authToken}`).toString('base64');
      const result = await http.send({
        url: `${base}/2010-04-01/Accounts/${encodeURIComponent(target.accountSid)}/Messages.json`,
        method: 'POST',
        headers: { authorization: `Basic ${credentials}`, 'content-type': FORM_TYPE, accept: 'application/json' },
        body: new URLSearchParams({ To: sms.value.to, [sender]: target.from, Body: sms.value.body }).toString(),
        timeoutMs: context.hook.timeoutMs,
      });
      // The token is hidden from the record with the hook's other secrets; its Basic form is this send's own.
      return judgeHttpResult(result, startedAt, { classify: classifyTwilio, secrets: [credentials] });
    },
  };
}
