/** How a lane stands between turns: carried by the lane workflow, across continue-as-new too. */
export interface LanePace {
  /** Epoch ms before which the next send may not start: the spacing goes on from one turn to the next. */
  notBefore: number;
  /** The rate in force when a 429 lowered it below the hook's; absent at the hook's own. */
  perSecond?: number;
}

/** What one turn of a lane (workflows/hook-lane.ts) came to, and when the next may go. */
export interface LaneTurn {
  /** The hook is off or gone: what the lane held is parked or cancelled, and the lane stops. */
  stop: boolean;
  /** When the lane's next delivery may go (now or earlier: at once); absent when it holds none. */
  wakeAt?: number;
  /**
   * Nothing the lane is handed may go before wakeAt either: a receiver's
   * Retry-After holds the whole hook, a retrying delivery the rest of its key.
   * The lane sleeps until then without waking for what it is handed.
   */
  held?: boolean;
  pace: LanePace;
  /** Deliveries sent in this turn. */
  sent: number;
}
