import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hotQueries } from '../bench/hot-queries';
import { loadProbeTenant, preloadOthers } from '../bench/preload';
import { loadConfig } from '../infra/config';
import { createModels } from '../infra/models';
import { syncIndexes } from '../infra/mongo';
import { connectRecording, readsOf, scanReason } from './support/query-plans';

/**
 * Issue 13's point 1 in small: every query on a hot path is served by an
 * index, however much other owners store. The store holds a small volume of
 * other owners' records (bench/preload.ts) and one small tenant; each hot
 * query runs through the app's code (bench/hot-queries.ts, the queries `npm
 * run bench -- scale` measures at a million deliveries), every command it
 * sends is recorded, and the server explains each one's read (see readsOf and
 * scanReason in test/support/query-plans.ts). Plans, not timings: at this size
 * a scan is still fast, but its plan already says it will not stay so.
 */
const VOLUME = { deliveries: 20_000, events: 5_000, hooks: 2_000 };

describe('hot queries', () => {
  const url = new URL(loadConfig().mongodbUri);
  url.pathname = `/hookflow_test_hot_queries_${process.pid}`;
  let store: Awaited<ReturnType<typeof connectRecording>>;
  let queries: ReturnType<typeof hotQueries>;

  before(async () => {
    store = await connectRecording(url.toString());
    const models = createModels(store.connection);
    await syncIndexes(store.connection);
    await preloadOthers(models, VOLUME);
    queries = hotQueries(models, await loadProbeTenant(models), loadConfig().deliveryDefaults);
  });

  after(async () => {
    await store.connection.dropDatabase();
    await store.connection.close();
  });

  // One test per query, named as the benchmark names it, so that a failure names the query.
  const names = [
    'delivery by id',
    'delivery update by id',
    'event by id',
    'event update by id',
    'hook by id',
    'hook update by id',
    'failure streak of a retried attempt',
    "hook's deliveries",
    "hook's deliveries, 2nd page",
    "hook's deliveries ?status=failed",
    "hook's deliveries ?eventType=",
    "hook's deliveries ?eventType=&status=failed",
    "hook's deliveries ?eventType=&since=&until=",
    "owner's deliveries",
    "owner's deliveries ?eventType=",
    "owner's deliveries ?eventType=&status=failed",
    "owner's deliveries ?status=failed",
    'retention sweep, nothing due',
    "lane's next deliveries",
    'subscription lookup (fan-out)',
  ];
  for (const name of names) {
    it(`${name} is served by an index`, async () => {
      const query = queries.find((candidate) => candidate.name === name);
      assert.ok(query, `bench/hot-queries.ts has no query named ${name}`);
      await query.prepare?.();
      const commands = await store.commandsOf(() => query.run());
      assert.ok(commands.length > 0, 'the query sent at least one command');
      for (const read of commands.flatMap(readsOf)) {
        const reason = await scanReason(store.connection, read);
        assert.equal(reason, undefined, `${name} scans: ${read.sent} is ${reason}`);
      }
    });
  }

  it('checks every hot query the benchmark measures', () => {
    assert.deepEqual(
      queries.map((query) => query.name),
      names,
    );
  });
});
