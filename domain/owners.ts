import { z } from 'zod';
import { issueApiKey, listApiKeys } from './api-keys';
import { NotFoundError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import type { Owner } from './models/owner';
import { NOT_BLANK } from './schema-rules';

export const createOwnerInput = z.strictObject({
  name: z.string().max(200).regex(NOT_BLANK, 'must not be blank').trim(),
  // What zod's check leaves open and mail servers refuse (RFC 5321): over 64 characters before the @, and a
  // domain that is not a host name (RFC 1123: labels of at most 63 letters, digits and hyphens, neither
  // starting nor ending with a hyphen; the fuzz found `a@b.c-.de` accepted).
  email: z
    .email()
    .max(254)
    .regex(
      /^[^@]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/,
      'must have at most 64 characters before the @, and a domain of labels that do not start or end with "-"',
    ),
});

function ownerView(owner: Owner & { _id: string; createdAt: Date }, apiKeys: Awaited<ReturnType<typeof listApiKeys>>) {
  return { id: owner._id, name: owner.name, email: owner.email, apiKeys, createdAt: owner.createdAt };
}

/** Creates the owner with its first API key, which is shown here and never again. */
export async function createOwner(models: Models, input: z.infer<typeof createOwnerInput>) {
  const owner = await models.Owner.create({ _id: newId('owner'), ...input });
  const { apiKey, ...key } = await issueApiKey(models, owner._id);
  return { ...ownerView(owner.toObject(), [key]), apiKey };
}

export async function getOwner(models: Models, id: string) {
  const owner = await models.Owner.findById(id).lean();
  if (!owner) throw new NotFoundError('owner', id);
  return ownerView(owner, await listApiKeys(models, id));
}

export async function assertOwnerExists(models: Models, id: string): Promise<void> {
  if (!(await models.Owner.exists({ _id: id }))) throw new NotFoundError('owner', id);
}
