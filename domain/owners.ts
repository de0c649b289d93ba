import { z } from 'zod';
import { NotFoundError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import { ownerView } from './views';

export const createOwnerInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
});

export async function createOwner(models: Models, input: z.infer<typeof createOwnerInput>) {
  const owner = await models.Owner.create({ _id: newId('owner'), ...input });
  return ownerView(owner.toObject());
}

export async function getOwner(models: Models, id: string) {
  const owner = await models.Owner.findById(id).lean();
  if (!owner) throw new NotFoundError('owner', id);
  return ownerView(owner);
}
