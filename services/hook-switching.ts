import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ownerScope, type Caller } from '../core/caller';
import type { DeliverySettings } from '../core/delivery-settings';
import { NotFoundError } from '../core/errors';
import type { HookId } from '../core/ids';
import type { Models } from '../infra/models';
import { startHookSwitchAnnouncement, startResumePausedWorkflow } from '../infra/workflow-starters';
import { parkedDeliveriesOf } from '../records/hook-switch';
import { label } from '../core/schema-rules';
import { hookView } from './hooks';

export const disableHookInput = z.strictObject({
  reason: label(500).optional(),
  park: z
    .boolean()
    .default(true)
    .describe('Keep the events that arrive while the hook is off, as paused deliveries, for when it is enabled again'),
});

export const enableHookInput = z.strictObject({
  resume: z
    .boolean()
    .default(true)
    .describe('Send what was kept while the hook was off, oldest first; false cancels it, on record'),
});

interface SwitchDependencies {
  models: Models;
  deliveryDefaults: DeliverySettings;
  temporal: Client;
  taskQueue: string;
}

/**
 * Switches the hook off. Parking (the default) keeps each event that arrives
 * meanwhile as a paused delivery; without it, those events pass the hook by.
 * The hooks that listen hear of it (hookflow.hook.disabled), once per enabled
 * spell: a request retried after a 503 starts the announcement its first try
 * may have missed.
 */
export async function disableHookByOwner(
  deps: SwitchDependencies,
  caller: Caller,
  id: HookId,
  input: z.infer<typeof disableHookInput>,
) {
  const update = {
    $set: {
      status: input.park ? 'parking' : 'disabled',
      disabledReason: input.reason ?? 'Disabled by its owner',
      disabledAt: new Date(),
    },
  };
  const updated = await deps.models.Hook.findOneAndUpdate({ _id: id, ...ownerScope(caller) }, update, {
    returnDocument: 'after',
  }).lean();
  if (!updated) throw new NotFoundError('hook', id);
  await startHookSwitchAnnouncement(deps, { hookId: id, spell: updated.enabledCount ?? 0, switchedTo: 'disabled' });
  return hookView(updated, deps.deliveryDefaults);
}

/**
 * Turns the hook back on with a clean failure streak. What it kept while off
 * is resumed by a workflow (oldest first, one at a time, at a bounded rate),
 * or, with `resume: false`, cancelled with its reason on record. The answer
 * says how many deliveries go, or how many were cancelled. The hooks that
 * listen hear of it (hookflow.hook.enabled), announced before the resume
 * starts, once per switch on: only a hook that was off starts a new enabled
 * spell, so a request retried after a 503 (the hook already on) finishes the
 * first try's announcement and resume rather than announcing again.
 */
export async function enableHook(
  deps: SwitchDependencies,
  caller: Caller,
  id: HookId,
  input: z.infer<typeof enableHookInput> = { resume: true },
) {
  const switchOn = {
    $set: { status: 'enabled', failureCount: 0 },
    $unset: { disabledReason: 1, disabledAt: 1, failingSince: 1, failingAnnouncedFor: 1 },
  };
  const hook = { _id: id, ...ownerScope(caller) };
  const updated =
    (await deps.models.Hook.findOneAndUpdate(
      { ...hook, status: { $ne: 'enabled' } },
      { ...switchOn, $inc: { enabledCount: 1 } },
      { returnDocument: 'after' },
    ).lean()) ?? (await deps.models.Hook.findOneAndUpdate(hook, switchOn, { returnDocument: 'after' }).lean());
  if (!updated) throw new NotFoundError('hook', id);
  const view = hookView(updated, deps.deliveryDefaults);
  const spell = updated.enabledCount ?? 0;
  // Spell 0 is the hook's first, from its creation: it was never switched on, so there is nothing to announce.
  if (spell > 0) {
    await startHookSwitchAnnouncement(deps, {
      hookId: id,
      spell,
      switchedTo: 'enabled',
      enabledAt: (updated.updatedAt ?? new Date()).toISOString(),
      resume: input.resume,
    });
  }
  if (!input.resume) {
    const cancelled = await deps.models.Delivery.updateMany(parkedDeliveriesOf(id), {
      $set: { status: 'cancelled', failureReason: 'Not resumed: the hook was enabled with resume: false' },
    });
    return { ...view, parked: { resuming: 0, cancelled: cancelled.modifiedCount } };
  }
  // Counted before the resume starts, so that none it already sent is missed from the count.
  const resuming = await deps.models.Delivery.countDocuments(parkedDeliveriesOf(id));
  await startResumePausedWorkflow(deps, id);
  return { ...view, parked: { resuming, cancelled: 0 } };
}
