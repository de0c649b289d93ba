import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { PacedStarts } from '../core/paced-starts';
import { isPaced, recoveredRate, slowedRate } from '../core/pacing';

/** Timers fire late, never early; this much late is the event loop's turn around on a busy machine. */
const LATE_MS = 40;

describe('pacing rules', () => {
  it('paces a hook with a rate limit, an in-flight bound, or a Retry-After in force, and no other', () => {
    const now = Date.now();
    assert.equal(isPaced({ delivery: { rateLimit: { perSecond: 5 } } }, now), true);
    assert.equal(isPaced({ delivery: { maxInFlight: 2 } }, now), true);
    assert.equal(isPaced({ throttledUntil: new Date(now + 1_000) }, now), true);
    assert.equal(isPaced({ throttledUntil: new Date(now - 1) }, now), false, 'a Retry-After that ran out');
    assert.equal(isPaced({ delivery: { rateLimit: null, maxInFlight: null } }, now), false);
    assert.equal(isPaced({}, now), false);
  });

  it('halves the rate after a 429, not below 1 a second, and climbs back by a tenth of the hook rate a second', () => {
    assert.equal(slowedRate(10), 5);
    assert.equal(slowedRate(1.5), 1);
    assert.equal(recoveredRate(5, 10, 1_000), 6);
    assert.equal(recoveredRate(5, 10, 2_500), 7.5);
    assert.equal(recoveredRate(9.5, 10, 1_000), 10, 'never above the hook rate');
  });
});

/** Starts each item as PacedStarts lets it (the lane's loop in small), then waits for them. */
async function runPaced(
  starts: PacedStarts,
  items: readonly number[],
  work: (item: number) => Promise<void>,
  stopped: () => boolean = () => false,
) {
  for (const item of items) {
    await starts.turn();
    if (starts.failed || stopped()) break;
    starts.start(() => work(item));
  }
  await starts.finish();
}

describe('PacedStarts', () => {
  it('spaces the starts evenly from notBefore, and says when the next may start', async () => {
    const starts: number[] = [];
    const notBefore = Date.now() + 100;
    const paced = new PacedStarts({ intervalMs: 100, inFlight: 10, notBefore });
    await runPaced(paced, [1, 2, 3, 4, 5], () => {
      starts.push(Date.now());
      return Promise.resolve();
    });
    assert.equal(paced.started, 5);
    starts.forEach((at, i) => {
      const planned = notBefore + i * 100;
      assert.ok(at >= planned && at < planned + LATE_MS, `start ${i + 1} at +${at - planned} ms from its plan`);
    });
    const last = starts.at(-1) ?? 0;
    assert.ok(paced.notBefore >= last + 100 && paced.notBefore < last + 100 + LATE_MS, 'the next turn carries on');
  });

  it('spaces the starts after a change of interval by the new one', async () => {
    const starts: number[] = [];
    const paced = new PacedStarts({ intervalMs: 50, inFlight: 10, notBefore: 0 });
    await runPaced(paced, [1, 2, 3], (n) => {
      starts.push(Date.now());
      if (n === 1) paced.intervalMs = 200;
      return Promise.resolve();
    });
    const [first, second, third] = starts as [number, number, number];
    assert.ok(second - first >= 50 && second - first < 50 + LATE_MS, `${second - first} ms: the spacing given then`);
    assert.ok(third - second >= 200 && third - second < 200 + LATE_MS, `${third - second} ms: the new spacing`);
  });

  it('keeps at most inFlight running, starting the next as one ends', async () => {
    let running = 0;
    let most = 0;
    const paced = new PacedStarts({ intervalMs: 0, inFlight: 3, notBefore: 0 });
    await runPaced(
      paced,
      Array.from({ length: 9 }, (_, i) => i),
      async () => {
        running++;
        most = Math.max(most, running);
        await sleep(20);
        running--;
      },
    );
    assert.equal(paced.started, 9);
    assert.equal(most, 3);
  });

  it('throws the first failure once the others are done, and says it failed so that nothing more starts', async () => {
    const finished: number[] = [];
    const paced = new PacedStarts({ intervalMs: 20, inFlight: 3, notBefore: 0 });
    await assert.rejects(
      runPaced(paced, [1, 2, 3], async (n) => {
        if (n === 1) throw new Error('send 1 failed');
        await sleep(50);
        finished.push(n);
      }),
      /send 1 failed/,
    );
    assert.equal(paced.started, 1, 'the failure came before the second start was due');
    assert.deepEqual(finished, []);
  });
});
