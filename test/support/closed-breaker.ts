import type { HostBreaker } from '../../activities/host-breaker';

/** A host breaker that never trips, for tests that build activities by hand and are not about it. */
export const closedBreaker: HostBreaker = {
  pausedUntil: () => undefined,
  noteOutcome: () => undefined,
  close: () => Promise.resolve(),
};
