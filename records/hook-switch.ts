import type { HookId } from '../core/ids';
import type { Models } from '../infra/models';

/**
 * The engine's way to switch a hook off (a 410, a long failure streak): it
 * parks, so that the events that arrive meanwhile wait for the hook's return.
 * The update is conditional, so of several concurrent deliveries only one
 * flips it; that one gets `true` and is the one to tell the owner.
 */
export async function disableHookFor(models: Models, hookId: HookId, reason: string): Promise<boolean> {
  const flipped = await models.Hook.updateOne(
    { _id: hookId, status: 'enabled' },
    { $set: { status: 'parking', disabledReason: reason, disabledAt: new Date() } },
  );
  return flipped.modifiedCount === 1;
}

/** A hook's deliveries kept while it was off, and not done again by a replay since (resuming those would send them twice). */
export function parkedDeliveriesOf(hookId: HookId) {
  return { hookId, status: 'paused' as const, supersededBy: null };
}

/**
 * What puts a parked delivery back on its way: due now, its attempts from
 * here counted afresh (its retry schedule starts over), the parking reason gone.
 */
export function resumedFields(delivery: { attempts: unknown[] }) {
  return { status: 'retrying' as const, nextAttemptAt: new Date(), attemptsBeforeResume: delivery.attempts.length };
}
