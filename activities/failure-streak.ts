import { durationMs } from '../core/durations';
import type { HookId } from '../core/ids';
import { bulkWriteInCommands } from '../infra/bulk-writes';
import type { Models } from '../infra/models';
import type { DeliverySettings } from '../core/delivery-settings';

/** A hook that must be switched off now, and the streak that decided it. */
export interface HookToDisable {
  hookId: HookId;
  /** Names the hook's enabled spell that ends now (see Hook.enabledCount): one disabling, one mail per spell. */
  spell: number;
  reason: string;
}

/** A hook whose streak passed half its threshold, not announced yet (hookflow.hook.failing). */
export interface FailingHook {
  hookId: HookId;
  failures: number;
  since: Date;
  threshold: DeliverySettings['disableAfter'];
}

/** What the streaks came to: hooks to switch off now, and hooks to announce as failing. */
export interface StreakVerdicts {
  toDisable: HookToDisable[];
  failing: FailingHook[];
}

const NO_VERDICTS: StreakVerdicts = { toDisable: [], failing: [] };

export interface StreakOutcome {
  hookId: HookId;
  /** The hook's threshold in force when it was sent to. */
  disableAfter: DeliverySettings['disableAfter'];
  /** The hook's streak as the attempt found it: a success only writes when there is a streak to end. */
  failureCountBefore: number;
  succeeded: boolean;
  disableHook?: string;
  /**
   * The delivery was of an operational event (hookflow.*): its failure counts in the streak, but never makes the
   * hook announced as failing, so that two hooks failing on each other's announcements do not feed each other.
   */
  operational: boolean;
}

/** Whether a hook's streak is past half its threshold's failures, a warning before it is disabled. */
function pastHalf(failureCount: number, threshold: DeliverySettings['disableAfter']): boolean {
  return failureCount >= Math.ceil(threshold.failures / 2);
}

/**
 * Keeps each hook's consecutive-failure streak with atomic updates (a success
 * resets it), then names the hooks whose streak crossed their threshold, or
 * that a target declared gone, and those whose streak just passed half its
 * threshold (announced once per streak: failingAnnouncedFor). The
 * all-success path writes nothing.
 */
export async function recordStreaks(models: Models, outcomes: StreakOutcome[]): Promise<StreakVerdicts> {
  if (outcomes.length === 0) return NO_VERDICTS;
  const now = new Date();
  const failed = outcomes.filter((o) => !o.succeeded);
  // A failure recorded by another delivery while this attempt ran may be left standing: the streak
  // then counts one failure too many, which the threshold and window make harmless.
  const succeededIds = outcomes.filter((o) => o.succeeded && o.failureCountBefore > 0).map((o) => o.hookId);
  // A hook can fail more than once in one call (for several events of a dispatch, or a replay's
  // deliveries): each failure counts.
  const failuresOf = new Map<HookId, number>();
  for (const { hookId } of failed) failuresOf.set(hookId, (failuresOf.get(hookId) ?? 0) + 1);
  // One round trip of updates, each atomic and by `_id`: an equality FerretDB hands to its store, where a
  // set-wise `_id: {$in}` made it read every hook of every owner, on each retry attempt. Sent at once, a
  // hook's success and failures in one call have no order: the success ends the streak first.
  const updates = [
    ...succeededIds.map((hookId) => ({
      updateOne: {
        filter: { _id: hookId, failureCount: { $gt: 0 } },
        update: { $set: { failureCount: 0 }, $unset: { failingSince: 1, failingAnnouncedFor: 1 } },
        timestamps: false,
      },
    })),
    ...[...failuresOf].flatMap(([hookId, count]) => [
      { updateOne: { filter: { _id: hookId }, update: { $inc: { failureCount: count } }, timestamps: false } },
      {
        updateOne: {
          filter: { _id: hookId, failingSince: null },
          update: { $set: { failingSince: now } },
          timestamps: false,
        },
      },
    ]),
  ];
  await bulkWriteInCommands(models.Hook, updates, { ordered: true });
  if (failed.length === 0) return NO_VERDICTS;
  const hooks = (
    await Promise.all(
      [...failuresOf.keys()].map((hookId) =>
        models.Hook.findOne(
          { _id: hookId, status: 'enabled' },
          { failureCount: 1, failingSince: 1, failingAnnouncedFor: 1, enabledCount: 1 },
        ).lean(),
      ),
    )
  ).filter((hook) => hook !== null);
  // Measured from after the read: a concurrent writer may have set failingSince later than `now`.
  const checkedAt = Date.now();
  const verdicts: StreakVerdicts = { toDisable: [], failing: [] };
  for (const hook of hooks) {
    const since = hook.failingSince ?? now;
    const outcomes = failed.filter((o) => o.hookId === hook._id);
    const outcome = outcomes[0];
    if (!outcome) continue;
    const gone = outcomes.find((o) => o.disableHook)?.disableHook;
    const { failures, window } = outcome.disableAfter;
    const tooLong = hook.failureCount >= failures && checkedAt - since.getTime() >= durationMs(window);
    if (gone || tooLong) {
      const reason =
        gone ??
        `${hook.failureCount} failed attempts in a row since ${since.toISOString()} (limit ${failures} over ${window})`;
      verdicts.toDisable.push({ hookId: hook._id, spell: hook.enabledCount ?? 0, reason });
    } else if (
      pastHalf(hook.failureCount, outcome.disableAfter) &&
      hook.failingAnnouncedFor?.getTime() !== since.getTime() &&
      outcomes.some((o) => !o.operational)
    ) {
      verdicts.failing.push({ hookId: hook._id, failures: hook.failureCount, since, threshold: outcome.disableAfter });
    }
  }
  return verdicts;
}
