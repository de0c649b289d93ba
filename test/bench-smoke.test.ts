import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../scripts/devstack/processes';

/**
 * `npm run bench -- --smoke` on the test stack: every default scenario at a tiny size,
 * which proves the harness and its figures hold together. The real run is
 * `npm run bench`, outside the tests.
 */
describe('benchmark smoke run', () => {
  it('runs every scenario and writes a result file whose figures match what happened', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hookflow-bench-'));
    try {
      // The scale scenario reads the store server's CPU time, so the benchmark starts a store of its own (and
      // uses the test stack's Temporal and SMTP).
      const env = { ...process.env };
      delete env.MONGODB_URI;
      await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env,
      });
      const files = readdirSync(out);
      assert.equal(files.length, 1, `one result file, got ${files.join(', ')}`);
      const file = files[0] as string;
      assert.ok(file.endsWith('-smoke.json'), file);
      const report = JSON.parse(readFileSync(join(out, file), 'utf8'));
      assert.match(report.commit, /^[0-9a-f]{40}$/);
      assert.ok(report.machine.cpus > 0 && report.versions.node === process.version);

      const { scale } = report.results;
      assert.deepEqual(scale.volume, { deliveries: 2_000, events: 400, hooks: 100 });
      assert.equal(scale.queries.length, 20, 'every hot query measured (test/hot-queries.test.ts names them)');
      for (const query of scale.queries) {
        assert.ok(query.empty.calls > 0 && query.preloaded.calls > 0, `${query.name} was called`);
        assert.ok(query.cpuRatio > 0 && query.wallRatio > 0, `${query.name} has its ratios`);
      }

      const [baseline] = report.results.baseline;
      assert.equal(baseline.hooks, 20);
      assert.ok(baseline.deliveriesPerSecond > 0);

      const [fanout] = report.results.fanout;
      assert.equal(fanout.hooks, 20);
      assert.equal(fanout.duplicates, 0, 'each hook received the event once');
      assert.ok(fanout.deliveriesPerSecond > 0);
      assert.ok(fanout.workflowRuns >= 1 && fanout.historyEventsPerDelivery > 0, 'histories were read back');
      assert.ok(fanout.mongoCommandsPerDelivery > 0, 'database commands were counted');
      assert.ok(fanout.peakRss.workerMb > 0 && fanout.peakRss.apiMb > 0);

      const [stream] = report.results.stream.runs;
      assert.equal(stream.deliveries, 5 * 2 * 5, '5 events a second for 2 s, to 5 hooks each');
      assert.equal(stream.latency.count, stream.deliveries, 'every delivery has a latency');
      assert.ok(stream.latency.p50Ms <= stream.latency.p99Ms && stream.latency.p99Ms <= stream.latency.maxMs);

      const [failures] = report.results.failures;
      assert.equal(failures.failingOnce, 2);
      assert.equal(failures.handedToRetries, 2, 'the two failing hooks were retried');
      assert.equal(failures.requests, 22, 'one request per hook, and one more for each failing hook');
      assert.ok(failures.allSucceededMs >= failures.firstPassMs);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
