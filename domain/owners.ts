import { z } from 'zod';
import { issueApiKey, listApiKeys } from './api-keys';
import { NotFoundError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import type { Owner } from './models/owner';

export const createOwnerInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
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
