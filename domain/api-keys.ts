import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import type { ApiKey } from './models/api-key';

/**
 * Owner API keys: 32 random bytes, shown once. Only a SHA-256 digest is kept;
 * with that much entropy a slow hash adds nothing, and a digest can be looked
 * up by a unique index.
 */
const API_KEY_PREFIX = 'hfk_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function apiKeyView(key: ApiKey & { _id: string; createdAt: Date }) {
  return { id: key._id, hint: key.hint, createdAt: key.createdAt, revokedAt: key.revokedAt ?? undefined };
}

/** Issues a key for the owner; the returned `apiKey` is the only time anyone sees it. */
export async function issueApiKey(models: Models, ownerId: string) {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored = await models.ApiKey.create({
    _id: newId('apiKey'),
    ownerId,
    hash: hashApiKey(key),
    hint: key.slice(-4),
  });
  return { ...apiKeyView(stored.toObject()), apiKey: key };
}

export async function listApiKeys(models: Models, ownerId: string) {
  const keys = await models.ApiKey.find({ ownerId }).sort({ _id: 1 }).lean();
  return keys.map(apiKeyView);
}

/** The owner a live key belongs to, if any. */
export async function ownerOfApiKey(models: Models, key: string) {
  const stored = await models.ApiKey.findOne({ hash: hashApiKey(key), revokedAt: null }).lean();
  return stored ? { ownerId: stored.ownerId, keyId: stored._id } : undefined;
}

/** Revoking is immediate and final; the record stays so that people can see when it happened. */
export async function revokeApiKey(models: Models, ownerId: string, keyId: string) {
  const key = await models.ApiKey.findOneAndUpdate(
    { _id: keyId, ownerId, revokedAt: null },
    { $set: { revokedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  const result = key ?? (await models.ApiKey.findOne({ _id: keyId, ownerId }).lean());
  if (!result) throw new NotFoundError('API key', keyId);
  return apiKeyView(result);
}
