import { createHmac } from 'node:crypto';
import { SIGNING_SECRET_PREFIX } from '../../core/signing-secret';

/**
 * The Standard Webhooks signature: HMAC-SHA256 over `id.timestamp.body`, keyed
 * with the bytes of the secret, written `v1,<base64>`. Several secrets (during
 * a rotation) give several signatures, separated by spaces.
 */
export function standardWebhookSignature(input: {
  id: string;
  timestamp: number;
  body: string;
  secrets: readonly string[];
}): string {
  return input.secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64');
      const mac = createHmac('sha256', key).update(`${input.id}.${input.timestamp}.${input.body}`).digest('base64');
      return `v1,${mac}`;
    })
    .join(' ');
}
