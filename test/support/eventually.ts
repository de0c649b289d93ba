import { setTimeout as sleep } from 'node:timers/promises';

/** Retries `check` until it stops throwing, then returns its value; rethrows the last failure at the deadline. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}
