import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox, UnreadableSecretError } from '../infra/secret-box';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed, and never seals the same value to the same text', () => {
    const sealed = box.seal('whsec_abc');
    assert.equal(box.open(sealed), 'whsec_abc');
    assert.notEqual(box.seal('whsec_abc'), sealed);
    assert.doesNotMatch(sealed, /whsec_abc/);
  });

  it('refuses, with a typed error, a value sealed under another key, tampered with, or not sealed at all', () => {
    const sealed = box.seal('whsec_abc');
    const otherKey = createSecretBox(randomBytes(32));
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const tampered = [version, iv, tag, `A${ciphertext?.slice(1)}`].join('.');
    for (const unreadable of [otherKey.seal('whsec_abc'), tampered, 'plain text']) {
      assert.throws(() => box.open(unreadable), UnreadableSecretError);
    }
    assert.throws(() => box.open(otherKey.seal('x')), /HOOKFLOW_MASTER_KEY/);
  });
});
