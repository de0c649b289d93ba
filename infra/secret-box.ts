import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (signing secrets, secret headers, API tokens of targets) are
 * sealed with AES-256-GCM under the master key: a fresh IV per value, and the
 * tag makes any tampering fail loudly instead of decrypting to garbage.
 */
const VERSION = 'v1';

/** A sealed value this key cannot open: sealed under another master key, or damaged. */
export class UnreadableSecretError extends Error {
  constructor() {
    super('A stored secret cannot be decrypted with the current HOOKFLOW_MASTER_KEY (was the key changed?)');
    this.name = 'UnreadableSecretError';
  }
}

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, tag, ciphertext] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new UnreadableSecretError();
      try {
        const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new UnreadableSecretError();
      }
    },
  };
}
