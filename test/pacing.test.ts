import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import { PacedStarts } from '../core/paced-starts';
import { isPaced, recoveredRate, slowedRate } from '../core/pacing';

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

/**
 * Runs `work` on node:test's fake clock (setTimeout and Date), a millisecond
 * at a time, letting promises settle between ticks: the starts then come at
 * their planned times exactly. On the real clock a busy machine fires timers
 * tens of ms late (a full npm test ran one 40 ms late), which says nothing
 * about the spacing.
 */
async function onFakeClock(t: TestContext, work: () => Promise<void>): Promise<void> {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  let done = false;
  const running = work().finally(() => {
    done = true;
  });
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    t.mock.timers.tick(1);
  }
  await running;
}

describe('PacedStarts', () => {
  it('spaces the starts evenly from notBefore, and says when the next may start', async (t) => {
    const starts: number[] = [];
    let notBefore = 0;
    let paced: PacedStarts | undefined;
    await onFakeClock(t, async () => {
      notBefore = Date.now() + 100;
      paced = new PacedStarts({ intervalMs: 100, inFlight: 10, notBefore });
      await runPaced(paced, [1, 2, 3, 4, 5], () => {
        starts.push(Date.now());
        return Promise.resolve();
      });
    });
    assert.equal(paced?.started, 5);
    assert.deepEqual(
      starts.map((at) => at - notBefore),
      [0, 100, 200, 300, 400],
    );
    assert.equal(paced?.notBefore, notBefore + 500, 'the next turn carries on');
  });

  it('spaces the starts after a change of interval by the new one', async (t) => {
    const starts: number[] = [];
    await onFakeClock(t, async () => {
      const paced = new PacedStarts({ intervalMs: 50, inFlight: 10, notBefore: 0 });
      await runPaced(paced, [1, 2, 3], (n) => {
        starts.push(Date.now());
        if (n === 1) paced.intervalMs = 200;
        return Promise.resolve();
      });
    });
    const [first, second, third] = starts as [number, number, number];
    assert.equal(second - first, 50, 'the spacing given then');
    assert.equal(third - second, 200, 'the new spacing');
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
