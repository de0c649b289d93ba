/**
 * Runs `work` over `items` in order, starting each at least `intervalMs` after
 * the one before and no sooner than `notBefore` (epoch ms), with at most
 * `inFlight` running at once: starts evenly spaced, so that any second holds
 * at most 1000 / intervalMs of them. Stops starting once `stopped()` says so,
 * or once a run failed (whose error it throws when the others are done). Answers how many started, and when the next start may be (for the next
 * call to carry on the spacing).
 */
export async function startPaced<T>(
  items: readonly T[],
  options: { intervalMs: number; inFlight: number; notBefore: number; stopped: () => boolean },
  work: (item: T) => Promise<void>,
): Promise<{ started: number; notBefore: number }> {
  const running = new Set<Promise<void>>();
  let notBefore = options.notBefore;
  let started = 0;
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    while (running.size >= options.inFlight) await Promise.race(running);
    const wait = notBefore - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (failure || options.stopped()) break;
    notBefore = Math.max(notBefore, Date.now()) + options.intervalMs;
    const run: Promise<void> = work(item)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(run));
    running.add(run);
    started++;
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return { started, notBefore };
}
