import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Standard Webhooks secrets: `whsec_` and the base64 of 24 to 64 random bytes. */
export const SIGNING_SECRET_PREFIX = 'whsec_';

const B64 = '[A-Za-z0-9+/]';
/**
 * Padded base64 of 24 to 64 bytes, as a pattern the OpenAPI document can carry: 8 to 20 groups of four
 * characters (24 to 60 bytes) and an optional last 1 or 2 bytes, or 21 groups (63) and an optional last byte.
 */
export const SIGNING_SECRET = new RegExp(
  `^whsec_(?:(?:${B64}{4}){8,20}(?:${B64}{2}==|${B64}{3}=)?|(?:${B64}{4}){21}(?:${B64}{2}==)?)$`,
);

export const SIGNING_SECRET_RULE = 'must be whsec_ followed by the padded base64 of 24 to 64 bytes';

/**
 * The plain secret a Misskey receiver compares X-Misskey-Hook-Secret with, as its owner set it in Misskey:
 * 1 to 256 printable ASCII characters (a header carries no others), neither first nor last a space, which
 * the receiver's HTTP parser would strip from the header.
 */
export const misskeySecretInput = z
  .string()
  .regex(
    /^[!-~](?:[ -~]{0,254}[!-~])?$/,
    'must be 1 to 256 printable ASCII characters, neither the first nor the last a space',
  );

export function newSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** How long a rotated-out secret keeps signing, so that receivers can switch without losing a message. */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
