import type { HookId } from '../core/ids';
import type { FirstAttemptsOutcome } from './first-attempts';

/** What one fan-out call went through: the first attempts it made, and those an earlier try had made. */
export interface FanOutTally extends FirstAttemptsOutcome {
  /** Hooks gone through (deliveries, for a call that goes through several events). */
  hooks: number;
  /** Deliveries an earlier try of this activity already attempted. */
  skipped: number;
  /** The hooks gone through, for the event workflow's HookIds (listHookIds); absent when too many to list. */
  hookIds?: HookId[];
}

/** A call that went through nothing yet: where a tally starts. Tallies are replaced, never changed in place. */
export const NOTHING_YET: FanOutTally = {
  hooks: 0,
  succeeded: 0,
  failed: 0,
  parked: 0,
  paced: 0,
  skipped: 0,
  hookIds: [],
  retries: [],
  failures: [],
  hooksToDisable: [],
};
