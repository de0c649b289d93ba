import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { issueApiKey, listApiKeys } from './api-keys';
import { paginate, pageQuery } from './pagination';
import { startOwnerDeletionWorkflow } from '../infra/workflow-starters';
import { ConflictError, NotFoundError } from '../core/errors';
import { newId, type OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import type { Owner } from '../infra/models/owner';
import { BEYOND_SCHEMA, label, withRules } from '../core/schema-rules';

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

export const updateOwnerInput = withRules(
  z.strictObject({ name: label(200).optional(), email: ownerEmail.optional() }),
  [{ schema: { minProperties: 1 }, message: 'nothing to update', path: [] }],
);

export const listOwnersQuery = pageQuery;

type StoredOwner = Owner & { _id: OwnerId; createdAt: Date };

/** An owner as the admin lists it: with its deletion's progress while it is being deleted. */
function ownerSummaryView(owner: StoredOwner) {
  return {
    id: owner._id,
    name: owner.name,
    email: owner.email,
    // The store keeps no empty object (mongoose minimizes it away): nothing removed yet reads as none.
    deletion: owner.deletion
      ? { requestedAt: owner.deletion.requestedAt, removed: owner.deletion.removed ?? {} }
      : undefined,
    createdAt: owner.createdAt,
  };
}

function ownerView(owner: StoredOwner, apiKeys: Awaited<ReturnType<typeof listApiKeys>>) {
  return { ...ownerSummaryView(owner), apiKeys };
}

/** An owner that is there and not being deleted: the only kind hooks and events may be made for, and portal sessions act for. */
export const liveOwner = (id: OwnerId) => ({ _id: id, deletion: null });

/** Creates the owner with its first API key, which is shown here and never again. */
export async function createOwner(models: Models, input: z.infer<typeof createOwnerInput>) {
  const owner = await models.Owner.create({ _id: newId('owner'), ...input, liveKeyIds: [] });
  const { apiKey, ...key } = await issueApiKey(models, owner._id);
  return { ...ownerView(owner.toObject(), [key]), apiKey };
}

/** An owner, with its keys; one being deleted shows how far its deletion has come. */
export async function getOwner(models: Models, id: OwnerId) {
  const owner = await models.Owner.findById(id).lean();
  if (!owner) throw new NotFoundError('owner', id);
  return ownerView(owner, await listApiKeys(models, id));
}

export async function listOwners(models: Models, query: z.infer<typeof listOwnersQuery>) {
  const page = await paginate<StoredOwner>(models.Owner, {}, query);
  return { data: page.items.map(ownerSummaryView), nextCursor: page.nextCursor };
}

/** Changes an owner's name or the address its alerts go to. */
export async function updateOwner(models: Models, id: OwnerId, input: z.infer<typeof updateOwnerInput>) {
  const updated = await models.Owner.updateOne(liveOwner(id), { $set: input });
  if (updated.matchedCount === 0 && (await models.Owner.exists({ _id: id }))) {
    throw new ConflictError(`Owner ${id} is being deleted`);
  }
  return getOwner(models, id);
}

/**
 * Starts deleting the owner: its keys stop working at once, no hook or event
 * can be made for it any more, and a workflow removes its data in batches
 * (hooks first), stopping its schedules, replays and retries. The owner's
 * record shows the progress until it goes, last. Asking again while it runs
 * answers the same deletion.
 */
export async function deleteOwner(deps: { models: Models; temporal: Client; taskQueue: string }, id: OwnerId) {
  const { models } = deps;
  await models.Owner.updateOne(liveOwner(id), {
    $set: { deletion: { requestedAt: new Date(), removed: {} }, liveKeyIds: [] },
  });
  const owner = await models.Owner.findById(id).lean();
  if (!owner) throw new NotFoundError('owner', id);
  await startOwnerDeletionWorkflow(deps, id);
  return ownerView(owner, await listApiKeys(models, id));
}

/** The owner's acceptanceVersion (one read by _id), which keys the API's caches; a 404 if there is no such owner. */
export async function acceptanceVersionOf(models: Models, id: OwnerId): Promise<number> {
  const owner = await models.Owner.findOne(liveOwner(id), { acceptanceVersion: 1 }).lean();
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
  if (!(await models.Owner.exists(liveOwner(id)))) throw new NotFoundError('owner', id);
}
