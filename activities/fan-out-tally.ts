import type { FirstAttemptsOutcome } from './first-attempts';

/** What one fan-out call went through: the first attempts it made, and those an earlier try had made. */
export interface FanOutTally extends FirstAttemptsOutcome {
  /** Hooks gone through (deliveries, for a call that goes through several events). */
  hooks: number;
  /** Deliveries an earlier try of this activity already attempted. */
  skipped: number;
}
