import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ownerScope, type Caller } from '../core/caller';
import type { DeliverySettings } from '../core/delivery-settings';
import { ConflictError, NotFoundError, UnprocessableError } from '../core/errors';
import { findEvent } from './events';
import { enableHook } from './hook-switching';
import {
  newId,
  replayIdFor,
  type DeliveryId,
  type EventId,
  type HookId,
  type OwnerId,
  type ReplayId,
} from '../core/ids';
import type { Models } from '../infra/models';
import { DELIVERY_STATUSES } from '../infra/models/delivery';
import { BEYOND_SCHEMA } from '../core/schema-rules';
import { cancelReplayWorkflow } from '../infra/workflow-stops';
import { recordReplay, type NewReplay, type StoredReplay } from '../records/replay-records';
import { startReplayWorkflow } from '../infra/workflow-starters';

export interface ReplayDependencies {
  models: Models;
  temporal: Client;
  taskQueue: string;
  deliveryDefaults: DeliverySettings;
  /** The most deliveries a second a replay may send; requests may ask for fewer. */
  replayRate: number;
}

const ratePerSecond = z.number().int().min(1).max(1000).optional();

export const replayDeliveryInput = z.strictObject({
  /** Turn the hook back on first when it is disabled (a disabled hook is otherwise refused). */
  enableHook: z.boolean().default(false),
});

export const replayEventInput = z.strictObject({
  /** Only these of the event's hooks; all of them otherwise. */
  hookIds: z.array(z.string().min(1).brand<'hook'>()).min(1).max(1000).optional(),
  /** Also hooks subscribed now that the event did not reach (created after it, say). */
  includeNewHooks: z.boolean().default(false),
  /** Turn the named hooks back on first when some are disabled. */
  enableHooks: z.boolean().default(false),
  ratePerSecond,
});

export const recoverHookInput = z
  .strictObject({
    since: z.iso.datetime({ offset: true }),
    /** Defaults to now. */
    until: z.iso.datetime({ offset: true }).optional(),
    statuses: z
      .array(z.enum(DELIVERY_STATUSES.filter((status) => status !== 'retrying' && status !== 'pending')))
      .min(1)
      .default(['failed', 'paused']),
    enableHook: z.boolean().default(false),
    ratePerSecond,
  })
  .refine((input) => !input.until || new Date(input.until) > new Date(input.since), {
    message: 'must be after since',
    path: ['until'],
    params: BEYOND_SCHEMA,
  });

/** A hook that is off is refused, unless the caller asked to turn it back on. */
async function assertHooksEnabled(
  deps: ReplayDependencies,
  caller: Caller,
  hookIds: HookId[],
  enable: boolean,
): Promise<void> {
  const hooks = await deps.models.Hook.find({ _id: { $in: hookIds }, ...ownerScope(caller) }, { status: 1 }).lean();
  const missing = hookIds.filter((id) => !hooks.some((hook) => hook._id === id));
  if (missing.length > 0) throw new NotFoundError('hook', missing[0] as string);
  const disabled = hooks.filter((hook) => hook.status !== 'enabled').map((hook) => hook._id);
  if (disabled.length === 0) return;
  if (!enable) {
    throw new ConflictError(
      `Hook ${disabled.join(', ')} is disabled: enable it first, or ask the replay to (enableHook / enableHooks: true)`,
    );
  }
  for (const id of disabled) await enableHook(deps, caller, id);
}

/**
 * Records the replay and starts its workflow. Both steps are idempotent: the
 * same Idempotency-Key names the same replay, whose workflow id refuses a
 * second run.
 */
async function startReplay(deps: ReplayDependencies, replay: NewReplay, idempotencyKey: string | undefined) {
  const id = idempotencyKey ? replayIdFor(replay.ownerId, idempotencyKey) : newId('replay');
  const { stored, created } = await recordReplay(deps, id, replay);
  // Started whether or not this call recorded it: a request retried after a crash between the two steps
  // still gets its workflow, and the workflow id refuses a second run.
  await startReplayWorkflow(deps, { replay: stored, ratePerSecond: stored.ratePerSecond });
  return { replay: await replayView(deps.models, stored), created };
}

/** A new attempt chain for one delivery; the original stays as it was. */
export async function replayDelivery(
  deps: ReplayDependencies,
  caller: Caller,
  deliveryId: DeliveryId,
  input: z.infer<typeof replayDeliveryInput>,
  idempotencyKey?: string,
) {
  const delivery = await deps.models.Delivery.findOne({ _id: deliveryId, ...ownerScope(caller) }).lean();
  if (!delivery) throw new NotFoundError('delivery', deliveryId);
  await assertHooksEnabled(deps, caller, [delivery.hookId], input.enableHook);
  return startReplay(deps, { kind: 'delivery', ownerId: delivery.ownerId, deliveryId }, idempotencyKey);
}

/** One event to all or some of its hooks again, and to hooks new to it when asked. */
export async function replayEvent(
  deps: ReplayDependencies,
  caller: Caller,
  which: { id: EventId; ownerId?: OwnerId },
  input: z.infer<typeof replayEventInput>,
  idempotencyKey?: string,
) {
  const event = await findEvent(deps.models, caller, which.id, which.ownerId);
  if (input.hookIds) await assertHooksEnabled(deps, caller, input.hookIds, input.enableHooks);
  const replay = {
    kind: 'event' as const,
    ownerId: event.ownerId,
    eventId: event.id,
    hookIds: input.hookIds,
    includeNewHooks: input.includeNewHooks,
    ratePerSecond: input.ratePerSecond,
  };
  return startReplay(deps, replay, idempotencyKey);
}

/**
 * Everything a hook did not receive in a window, oldest first, at a bounded
 * rate: what an owner asks for once their endpoint works again.
 */
export async function recoverHook(
  deps: ReplayDependencies,
  caller: Caller,
  hookId: HookId,
  input: z.infer<typeof recoverHookInput>,
  idempotencyKey?: string,
) {
  await assertHooksEnabled(deps, caller, [hookId], input.enableHook);
  const hook = await deps.models.Hook.findById(hookId, { ownerId: 1 }).lean();
  if (!hook) throw new NotFoundError('hook', hookId);
  const until = input.until ? new Date(input.until) : new Date();
  if (until.getTime() > Date.now()) throw new UnprocessableError('until: must not be in the future');
  const replay = {
    kind: 'recovery' as const,
    ownerId: hook.ownerId,
    hookId,
    since: new Date(input.since),
    until,
    statuses: input.statuses,
    ratePerSecond: input.ratePerSecond,
  };
  return startReplay(deps, replay, idempotencyKey);
}

/** A replay's progress, read from the deliveries it made. */
async function replayView(models: Models, replay: StoredReplay) {
  const made = await models.Delivery.find({ replayId: replay._id }, { status: 1 }).lean();
  const count = (status: string) => made.filter((delivery) => delivery.status === status).length;
  return {
    id: replay._id,
    kind: replay.kind,
    status: replay.status,
    deliveryId: replay.deliveryId ?? undefined,
    eventId: replay.eventId ?? undefined,
    hookId: replay.hookId ?? undefined,
    hookIds: replay.hookIds ?? undefined,
    since: replay.since ?? undefined,
    until: replay.until ?? undefined,
    statuses: replay.statuses ?? undefined,
    ratePerSecond: replay.ratePerSecond,
    total: replay.total,
    done: made.length,
    succeeded: count('succeeded'),
    failed: count('failed'),
    retrying: count('retrying'),
    createdAt: replay.createdAt,
    finishedAt: replay.finishedAt ?? undefined,
  };
}

async function findReplay(models: Models, caller: Caller, id: ReplayId): Promise<StoredReplay> {
  const replay = await models.Replay.findOne({ _id: id, ...ownerScope(caller) }).lean();
  if (!replay) throw new NotFoundError('replay', id);
  return replay;
}

export async function getReplay(models: Models, caller: Caller, id: ReplayId) {
  return replayView(models, await findReplay(models, caller, id));
}

/** Stops the replay's pages and the retries of what it sent; what was delivered stays delivered. */
export async function cancelReplay(deps: ReplayDependencies, caller: Caller, id: ReplayId) {
  const replay = await findReplay(deps.models, caller, id);
  if (replay.status === 'running') await cancelReplayWorkflow(deps.temporal, id);
  return replayView(deps.models, replay);
}
