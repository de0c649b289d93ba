import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookVerificationError } from './errors.js';

/** A request's headers as a server framework gives them: a fetch `Headers`, or Node's `req.headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /**
   * Whether a request signed more than five minutes ago (or ahead) is refused, as Standard Webhooks asks of a
   * receiver, so that a captured request cannot be played again later: true unless given. False checks the
   * signature alone, for a request saved earlier (`hookflow verify`).
   */
  checkTimestamp?: boolean;
}

/**
 * Checks a webhook Hookflow sent (its `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, per
 * Standard Webhooks) against the hook's signing secret (`whsec_...`), and returns its parsed JSON body.
 * `body` must be the raw body as received, before any JSON parsing. Throws WebhookVerificationError otherwise.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): unknown {
  const payload = typeof body === 'string' ? body : Buffer.from(body);
  const plain = plainHeaders(headers);
  try {
    const webhook = new Webhook(secret);
    if (options.checkTimestamp === false) return verifySignatureOnly(webhook, plain, payload);
    return webhook.verify(payload, plain);
  } catch (cause) {
    // The library throws its own WebhookVerificationError for a bad signature, and plain errors for a malformed
    // secret: both mean the body cannot be trusted.
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new WebhookVerificationError(`Webhook not verified: ${message}`, { code: 'webhook_not_verified', cause });
  }
}

/**
 * The library's check without its clock: the library signs what the headers say was sent, at the timestamp they
 * give, and one of the `v1` signatures sent must be that one (compared in constant time).
 */
function verifySignatureOnly(webhook: Webhook, headers: Record<string, string>, payload: string | Buffer): unknown {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  const sent = headers['webhook-signature'];
  if (!id || !sent || !Number.isInteger(timestamp)) throw new Error('Missing or malformed webhook-* headers');
  const expected = Buffer.from(webhook.sign(id, new Date(timestamp * 1000), payload));
  const matches = sent
    .split(' ')
    .map((signature) => Buffer.from(signature))
    .some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
  if (!matches) throw new Error('No matching signature found');
  const text = payload.toString();
  return text === '' ? undefined : JSON.parse(text);
}

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const plain: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value !== undefined) plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return plain;
}
