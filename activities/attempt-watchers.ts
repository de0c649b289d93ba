import type { DeliveryId, EventId, HookId, OwnerId } from '../core/ids';
import type { AttemptResult } from '../targets/contract';
import type { NextStep } from './retry-plan';

/**
 * A delivery's step just put on record, as the watchers (metrics, per-hook
 * stats, logs, operational events) hear of it: where the delivery went and,
 * when something was sent, the target's answer.
 */
export interface RecordedStep {
  deliveryId: DeliveryId;
  eventId: EventId;
  hookId: HookId;
  ownerId: OwnerId;
  eventType: string;
  /** The hook's target type (targets/), a bounded set: safe as a metric label. */
  targetType: string;
  /** Its status from now on, and why it ended when it did. */
  step: NextStep;
  /**
   * Absent when nothing was sent: a first attempt kept paused, left to a lane or held for a paused host. Later
   * attempts tell only what they sent (their holds and cancellations are not attempts).
   */
  result?: AttemptResult;
  /** Attempts the delivery has made, this one included (0 while none was sent). */
  attemptsMade: number;
  recordedAt: number;
}

/** Hears of every delivery step once it is on record, a slice at a time. */
export interface AttemptWatcher {
  /** Names the watcher in the log line when it fails. */
  name: string;
  stepsRecorded(steps: readonly RecordedStep[]): void | Promise<void>;
}

/**
 * Tells every watcher of what was recorded. A watcher's failure is logged,
 * never thrown: the steps are on record already, and an activity failed here
 * would be retried and send them again.
 */
export function tellWatchers(
  watchers: readonly AttemptWatcher[],
  onError: (watcher: string, error: unknown) => void,
): (steps: readonly RecordedStep[]) => Promise<void> {
  return async (steps) => {
    if (steps.length === 0 || watchers.length === 0) return;
    await Promise.all(
      watchers.map(async (watcher) => {
        try {
          await watcher.stepsRecorded(steps);
        } catch (error) {
          onError(watcher.name, error);
        }
      }),
    );
  };
}

export type TellWatchers = ReturnType<typeof tellWatchers>;

/** For callers that wire no watcher (unit tests of the attempt code). */
export const NO_WATCHERS: TellWatchers = () => Promise.resolve();
