import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { NotFoundError } from '../core/errors';
import { newId, type ApiKeyId, type OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import type { ApiKey } from '../infra/models/api-key';

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

/**
 * Issues a key for the owner; the returned `apiKey` is the only time anyone
 * sees it. The key works once its id is among the owner's liveKeyIds, which
 * is written last: a failure before leaves a record of a key nobody was shown.
 */
export async function issueApiKey(models: Models, ownerId: OwnerId) {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored = await models.ApiKey.create({
    _id: newId('apiKey'),
    ownerId,
    hash: hashApiKey(key),
    hint: key.slice(-4),
  });
  // Owners from before liveKeyIds keep checking their keys' records: giving them a list would lock out the others.
  await models.Owner.updateOne(
    { _id: ownerId, liveKeyIds: { $exists: true } },
    { $addToSet: { liveKeyIds: stored._id } },
    { timestamps: false },
  );
  return { ...apiKeyView(stored.toObject()), apiKey: key };
}

export async function listApiKeys(models: Models, ownerId: OwnerId) {
  const keys = await models.ApiKey.find({ ownerId }).sort({ _id: 1 }).lean();
  return keys.map(apiKeyView);
}

/** Which key a digest is and whose: never changes once issued, so an API process may keep it. */
interface KnownKey {
  keyId: ApiKeyId;
  ownerId: OwnerId;
}

/** An authenticated owner key: whose, and the owner's acceptanceVersion read with it. */
export interface KeyOwner extends KnownKey {
  acceptanceVersion: number;
}

/**
 * Authenticates owner keys in one read by `_id` (the owner's), where a read
 * of the key's record and another of the owner's acceptanceVersion cost two
 * per post (measured with `npm run bench -- stream`: the API's three commands
 * per event at 50 events/s became two). Which key a digest is comes from the
 * key's record the first time this process sees it, then from memory; whether
 * it still works (revocation is immediate) comes from the owner's liveKeyIds,
 * read every time.
 */
export class ApiKeyAuthenticator {
  /** By digest; the least recently used is dropped past `maxKnown`. */
  private readonly known: LRUCache<string, KnownKey>;

  constructor(
    private readonly models: Models,
    maxKnown = 10_000,
  ) {
    this.known = new LRUCache({ max: maxKnown });
  }

  async ownerOf(key: string): Promise<KeyOwner | undefined> {
    const hash = hashApiKey(key);
    const known = this.known.get(hash) ?? (await this.lookUp(hash));
    if (!known) return undefined;
    const owner = await this.models.Owner.findById(known.ownerId, { acceptanceVersion: 1, liveKeyIds: 1 }).lean();
    if (!owner) return undefined;
    const live = owner.liveKeyIds
      ? owner.liveKeyIds.includes(known.keyId)
      : await this.models.ApiKey.exists({ _id: known.keyId, revokedAt: null });
    return live ? { ...known, acceptanceVersion: owner.acceptanceVersion ?? 0 } : undefined;
  }

  private async lookUp(hash: string): Promise<KnownKey | undefined> {
    const stored = await this.models.ApiKey.findOne({ hash, revokedAt: null }, { ownerId: 1 }).lean();
    if (!stored) return undefined;
    const known = { keyId: stored._id, ownerId: stored.ownerId };
    this.known.set(hash, known);
    return known;
  }
}

/**
 * Revoking is immediate and final: the key leaves the owner's liveKeyIds
 * first, then its record says when; the record stays so that people can see
 * when it happened. A failure between the two is completed by revoking again.
 */
export async function revokeApiKey(models: Models, ownerId: OwnerId, keyId: ApiKeyId) {
  await models.Owner.updateOne({ _id: ownerId }, { $pull: { liveKeyIds: keyId } }, { timestamps: false });
  const key = await models.ApiKey.findOneAndUpdate(
    { _id: keyId, ownerId, revokedAt: null },
    { $set: { revokedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  const result = key ?? (await models.ApiKey.findOne({ _id: keyId, ownerId }).lean());
  if (!result) throw new NotFoundError('API key', keyId);
  return apiKeyView(result);
}
