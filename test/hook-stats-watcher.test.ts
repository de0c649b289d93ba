import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RecordedStep } from '../activities/attempt-watchers';
import { createHookStatsWatcher } from '../activities/hook-stats';
import { idOf } from '../core/ids';
import type { Models } from '../infra/models';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';

const OWNER = idOf('owner', 'own_watcher');

function sent(hook: string, recordedAt: number, statusCode: number): RecordedStep {
  return {
    deliveryId: idOf('delivery', `dlv_${hook}_${recordedAt}`),
    eventId: idOf('event', `evt_${recordedAt}`),
    hookId: idOf('hook', hook),
    ownerId: OWNER,
    eventType: 'thing.done',
    targetType: 'http',
    step: statusCode < 300 ? { status: 'succeeded' } : { status: 'failed', failureReason: 'HTTP 500' },
    result: {
      outcome: statusCode < 300 ? 'succeeded' : 'retryable',
      attempt: { startedAt: new Date(recordedAt), durationMs: 20, statusCode },
    },
    attemptsMade: 1,
    recordedAt,
  };
}

/** The models, with the bulk writes to the stats counted: the watcher's commands. */
function countingWrites(models: Models): { models: Models; writes: () => number } {
  let writes = 0;
  const HookStats = new Proxy(models.HookStats, {
    get(target, property, receiver) {
      if (property !== 'bulkWrite') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Models['HookStats']['bulkWrite']>) => {
        writes++;
        return target.bulkWrite(...args);
      };
    },
  });
  return { models: { ...models, HookStats }, writes: () => writes };
}

/**
 * The stats watcher on the real store: it gathers the slices it hears of and
 * writes each hook's hour once per flush, whatever the number of slices, and
 * writes what it gathered when the worker stops.
 */
describe('the hook stats watcher', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
  });
  after(async () => {
    await hookflow?.stop();
  });

  const hourOf = (hook: string) =>
    hookflow.mongo.collection('hook_stats').findOne({ hookId: hook }) as Promise<{
      counts: { attempts: number; successes: number };
    } | null>;

  it('writes many slices of two hooks as one upsert per hook, once the flush interval has passed', async () => {
    const { models, writes } = countingWrites(hookflow.models);
    const watcher = createHookStatsWatcher(models, (error) => assert.fail(String(error)), 200);
    const now = Date.now();
    for (let slice = 0; slice < 10; slice++) {
      await watcher.stepsRecorded([sent('hook_a', now + slice, 200), sent('hook_b', now + slice, 500)]);
    }
    assert.equal(writes(), 0, 'nothing is written within the interval');
    await eventually(async () => {
      assert.equal((await hourOf('hook_a'))?.counts.attempts, 10);
      assert.equal((await hourOf('hook_b'))?.counts.attempts, 10);
    });
    assert.equal(writes(), 1, 'both hooks in one command');
    assert.equal((await hourOf('hook_a'))?.counts.successes, 10);
    assert.equal((await hourOf('hook_b'))?.counts.successes ?? 0, 0);
    await watcher.close();
  });

  it('writes what it gathered when closed, without waiting for the interval', async () => {
    const watcher = createHookStatsWatcher(hookflow.models, (error) => assert.fail(String(error)), 3_600_000);
    await watcher.stepsRecorded([sent('hook_c', Date.now(), 200), sent('hook_c', Date.now() + 1, 200)]);
    assert.equal(await hourOf('hook_c'), null);
    await watcher.close();
    assert.equal((await hourOf('hook_c'))?.counts.attempts, 2);
  });
});
