import { Webhook } from 'standardwebhooks';
import { WebhookVerificationError } from './errors.js';

/** A request's headers as a server framework gives them: a fetch `Headers`, or Node's `req.headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a webhook Hookflow sent (its `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, per
 * Standard Webhooks) against the hook's signing secret (`whsec_...`), and returns its parsed JSON body.
 * `body` must be the raw body as received, before any JSON parsing. Throws WebhookVerificationError otherwise.
 */
export function verifyWebhook(secret: string, headers: WebhookHeaders, body: string | Uint8Array): unknown {
  try {
    return new Webhook(secret).verify(typeof body === 'string' ? body : Buffer.from(body), plainHeaders(headers));
  } catch (cause) {
    // The library throws its own WebhookVerificationError for a bad signature, and plain errors for a malformed
    // secret: both mean the body cannot be trusted.
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new WebhookVerificationError(`Webhook not verified: ${message}`, { code: 'webhook_not_verified', cause });
  }
}

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const plain: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value !== undefined) plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return plain;
}
