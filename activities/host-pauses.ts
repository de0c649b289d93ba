import { durationMs } from '../core/durations';
import type { Models } from '../infra/models';

/** The pauseHost workflow's steps: the host's pause on record for every worker and the API, then gone. */
export function createHostPauseActivities({ models }: { models: Models }) {
  return {
    /** Puts the host's pause on record: workers see it within a second (HostBreaker). */
    async holdHost(input: { host: string; failures: number; pause: string }): Promise<void> {
      const pausedUntil = new Date(Date.now() + durationMs(input.pause));
      await models.HostPause.updateOne(
        { _id: input.host },
        { $set: { pausedUntil, failures: input.failures } },
        { upsert: true },
      );
    },

    /** Ends the pause, and starts the host's count afresh: the failures that tripped it are behind it. */
    async releaseHost(input: { host: string }): Promise<void> {
      await models.HostPause.deleteOne({ _id: input.host });
      await models.HostFailures.deleteMany({ host: input.host });
    },
  };
}
