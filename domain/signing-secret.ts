import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Standard Webhooks secrets: `whsec_` and the base64 of 24 to 64 random bytes. */
export const SIGNING_SECRET_PREFIX = 'whsec_';

export const signingSecretInput = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((secret) => {
    const bytes = Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'must encode 24 to 64 bytes');

export function newSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** How long a rotated-out secret keeps signing, so that receivers can switch without losing a message. */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
