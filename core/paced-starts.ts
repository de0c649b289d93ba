/**
 * Starts runs evenly spaced, `intervalMs` apart and none before `notBefore`
 * (epoch ms), with at most `inFlight` running at once: any second then holds
 * at most 1000 / intervalMs starts. The caller decides what to start next
 * between starts (a lane reads its next deliveries while earlier ones are in
 * flight). The first run that fails stops it: `failed` says so, and `finish`
 * throws that failure once the other runs are done.
 */
export class PacedStarts {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  private next: number;
  started = 0;
  /** The spacing from the next start on: a lane slows down after a 429, and recovers. */
  intervalMs: number;
  private readonly inFlight: number;

  constructor(options: { intervalMs: number; inFlight: number; notBefore: number }) {
    this.next = options.notBefore;
    this.intervalMs = options.intervalMs;
    this.inFlight = options.inFlight;
  }

  /** When the start after the last may be: the next turn carries on the spacing from here. */
  get notBefore(): number {
    return this.next;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Waits until a run may start: a free slot, and its time in the spacing. */
  async turn(): Promise<void> {
    while (this.running.size >= this.inFlight) await Promise.race(this.running);
    // Again until it is time: a timer may fire a millisecond early, and 5 starts 199 ms apart fit in a second.
    for (let wait = this.next - Date.now(); wait > 0; wait = this.next - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Starts `work` now (call `turn` first), not waiting for it. */
  start(work: () => Promise<void>): void {
    this.next = Math.max(this.next, Date.now()) + this.intervalMs;
    this.started++;
    const run: Promise<void> = work()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Waits for every run started; throws the first failure. */
  async finish(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
  }
}
