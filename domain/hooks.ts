import { isIP } from 'node:net';
import { z } from 'zod';
import { isPrivateAddress } from './address-guard';
import { NotFoundError, ValidationError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import { HTTP_METHODS } from './models/hook';
import { hookView } from './views';

const subscription = z
  .string()
  .regex(/^(\*|[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*(\.\*)?)$/, 'must be an event name, a `prefix.*` pattern or `*`');

const httpTarget = z.strictObject({
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048),
  method: z.enum(HTTP_METHODS).default('POST'),
});

export const createHookInput = z.strictObject({
  ownerId: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  events: z.array(subscription).min(1).max(100),
  target: httpTarget,
});

/** Refuses, at creation, targets the delivery-time guard would refuse anyway, so the owner hears it now. */
function assertPublicTarget(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host.endsWith('.localhost');
  if (local || (isIP(host) && isPrivateAddress(host))) {
    throw new ValidationError(`target.url: ${host} is a private address; hooks must target public hosts`);
  }
}

export async function createHook(
  models: Models,
  input: z.infer<typeof createHookInput>,
  options: { allowPrivateTargets: boolean },
) {
  if (!options.allowPrivateTargets) assertPublicTarget(input.target.url);
  if (!(await models.Owner.exists({ _id: input.ownerId }))) throw new NotFoundError('owner', input.ownerId);
  const hook = await models.Hook.create({ _id: newId('hook'), ...input, status: 'enabled' });
  return hookView(hook.toObject());
}

export async function getHook(models: Models, id: string) {
  const hook = await models.Hook.findById(id).lean();
  if (!hook) throw new NotFoundError('hook', id);
  return hookView(hook);
}
