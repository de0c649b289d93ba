import { z } from 'zod';
import { issueApiKey, listApiKeys } from './api-keys';
import { NotFoundError } from '../core/errors';
import { newId, type OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import type { Owner } from '../infra/models/owner';
import { BEYOND_SCHEMA, label } from '../core/schema-rules';

/**
 * An address mail servers take (RFC 5321): dot-atoms before the @ (at most 64 characters), and a domain of
 * host-name labels (RFC 1123: letters, digits and inner hyphens, at most 63), published as a pattern instead of
 * `format: email`, which clients judge by rules of their own (the fuzz found `a@b.c-.de` accepted here and
 * refused by the document's validator). The lengths and IDNA's rule that only `xn--` labels carry `--` in the
 * third and fourth places are beyond a pattern that generators can use: those are 422s.
 */
export const ownerEmail = z
  .string()
  .max(254)
  .regex(
    /^[A-Za-z0-9_'+-]+(?:\.[A-Za-z0-9_'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/,
    'must be an email address whose domain is made of host-name labels',
  )
  .superRefine((email, ctx) => {
    const [local = '', domain = ''] = email.split('@');
    const reservedLabel = domain.split('.').some((part) => /^.{2}--/.test(part) && !/^xn--/i.test(part));
    if (local.length > 64 || reservedLabel) {
      const message = 'must have at most 64 characters before the @, and `--` in a label only after `xn`';
      ctx.addIssue({ code: 'custom', message, params: BEYOND_SCHEMA });
    }
  });

export const createOwnerInput = z.strictObject({
  name: label(200),
  email: ownerEmail,
});

function ownerView(owner: Owner & { _id: string; createdAt: Date }, apiKeys: Awaited<ReturnType<typeof listApiKeys>>) {
  return { id: owner._id, name: owner.name, email: owner.email, apiKeys, createdAt: owner.createdAt };
}

/** Creates the owner with its first API key, which is shown here and never again. */
export async function createOwner(models: Models, input: z.infer<typeof createOwnerInput>) {
  const owner = await models.Owner.create({ _id: newId('owner'), ...input, liveKeyIds: [] });
  const { apiKey, ...key } = await issueApiKey(models, owner._id);
  return { ...ownerView(owner.toObject(), [key]), apiKey };
}

export async function getOwner(models: Models, id: OwnerId) {
  const owner = await models.Owner.findById(id).lean();
  if (!owner) throw new NotFoundError('owner', id);
  return ownerView(owner, await listApiKeys(models, id));
}

/** The owner's acceptanceVersion (one read by _id), which keys the API's caches; a 404 if there is no such owner. */
export async function acceptanceVersionOf(models: Models, id: OwnerId): Promise<number> {
  const owner = await models.Owner.findById(id, { acceptanceVersion: 1 }).lean();
  if (!owner) throw new NotFoundError('owner', id);
  return owner.acceptanceVersion ?? 0;
}

/**
 * Tells every API process that what it cached about accepting events is
 * stale: called after each change to event types (an operator who edits them
 * in the store directly must call it too). Rare, so one write to every owner.
 */
export async function invalidateAcceptance(models: Models): Promise<void> {
  await models.Owner.updateMany({}, { $inc: { acceptanceVersion: 1 } }, { timestamps: false });
}

export async function assertOwnerExists(models: Models, id: OwnerId): Promise<void> {
  if (!(await models.Owner.exists({ _id: id }))) throw new NotFoundError('owner', id);
}
