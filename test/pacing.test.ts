import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { startPaced } from '../core/paced-starts';
import { isPaced, rateAfterTurn } from '../core/pacing';

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

  it('halves the rate after a 429, not below 1 a second, and climbs back by a tenth of the hook rate a turn', () => {
    assert.equal(rateAfterTurn(10, 10, true), 5);
    assert.equal(rateAfterTurn(1.5, 10, true), 1);
    assert.equal(rateAfterTurn(5, 10, false), 6);
    assert.equal(rateAfterTurn(9.5, 10, false), undefined, 'back at the hook rate, which needs no keeping');
    assert.equal(rateAfterTurn(10, 10, false), undefined);
  });
});

describe('startPaced', () => {
  it('spaces the starts evenly from notBefore, and says when the next may start', async () => {
    const starts: number[] = [];
    const notBefore = Date.now() + 100;
    const run = await startPaced(
      [1, 2, 3, 4, 5],
      { intervalMs: 100, inFlight: 10, notBefore, stopped: () => false },
      () => {
        starts.push(Date.now());
        return Promise.resolve();
      },
    );
    assert.equal(run.started, 5);
    starts.forEach((at, i) => {
      const planned = notBefore + i * 100;
      assert.ok(at >= planned && at < planned + LATE_MS, `start ${i + 1} at +${at - planned} ms from its plan`);
    });
    const last = starts.at(-1) ?? 0;
    assert.ok(run.notBefore >= last + 100 && run.notBefore < last + 100 + LATE_MS, 'the next call carries on');
  });

  it('keeps at most inFlight running, starting the next as one ends', async () => {
    let running = 0;
    let most = 0;
    const run = await startPaced(
      Array.from({ length: 9 }, (_, i) => i),
      { intervalMs: 0, inFlight: 3, notBefore: 0, stopped: () => false },
      async () => {
        running++;
        most = Math.max(most, running);
        await sleep(20);
        running--;
      },
    );
    assert.equal(run.started, 9);
    assert.equal(most, 3);
  });

  it('starts no more once stopped, and lets those started finish', async () => {
    let stop = false;
    const finished: number[] = [];
    const run = await startPaced(
      [1, 2, 3, 4],
      { intervalMs: 10, inFlight: 4, notBefore: 0, stopped: () => stop },
      async (n) => {
        if (n === 2) stop = true;
        await sleep(30);
        finished.push(n);
      },
    );
    assert.equal(run.started, 2);
    assert.deepEqual(finished.sort(), [1, 2]);
  });

  it('throws the first failure once the others are done, starting none after it', async () => {
    const finished: number[] = [];
    await assert.rejects(
      startPaced([1, 2, 3], { intervalMs: 20, inFlight: 3, notBefore: 0, stopped: () => false }, async (n) => {
        if (n === 1) throw new Error('send 1 failed');
        await sleep(50);
        finished.push(n);
      }),
      /send 1 failed/,
    );
    assert.deepEqual(finished, [], 'the failure came before the second start was due: nothing else started');
  });
});
