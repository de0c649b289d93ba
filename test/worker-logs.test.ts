import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { Managed } from '../scripts/devstack/processes';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';
import { startWorkerProcess } from './support/worker-process';

type LogLine = Record<string, unknown> & { msg: string; level: number };

/** pino's numeric levels. */
const INFO = 30;
const WARN = 40;

/**
 * What an operator reads in the worker's own output (a process of its own,
 * as deployed): one structured line per final failure, per disable with its
 * reason, per owner mail, and per replay's start and end, each naming the
 * hook, delivery or replay it is about.
 */
describe('the worker logs what an operator needs', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: Managed | undefined;
  const lines: LogLine[] = [];

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    receiver = await startReceiver((request) => (request.path === '/gone' ? 410 : 400));
    worker = await startWorkerProcess(hookflow.config, 'worker-logs');
    const stdout = worker.child.stdout;
    assert.ok(stdout);
    createInterface({ input: stdout }).on('line', (line) => {
      // Anything else on stdout is not a log line, and the assertions below would not find it.
      if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
    });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
    await hookflow?.stop();
  });

  const logged = (msg: string) => lines.filter((line) => line.msg === msg);

  it('logs a final failure, a disable, the owner mail, and a replay start and end', async () => {
    const owner = await hookflow.createOwner(`Logs ${Date.now()}`);
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });
    const refusing = await as('POST', '/v1/hooks', {
      name: 'refusing',
      events: ['resource.updated'],
      target: { type: 'http', url: `${receiver.url}/refusing` },
    });
    const gone = await as('POST', '/v1/hooks', {
      name: 'gone',
      events: ['resource.updated'],
      target: { type: 'http', url: `${receiver.url}/gone` },
    });
    assert.equal(refusing.status, 201, JSON.stringify(refusing.body));
    assert.equal(gone.status, 201, JSON.stringify(gone.body));
    const posted = await as('POST', '/v1/events', { type: 'resource.updated', data: { id: 'r1' } });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));

    const failures = await eventually(() => {
      const found = logged('Delivery failed for good');
      assert.equal(found.length, 2, 'one line per hook');
      return found;
    });
    const refused = failures.find((line) => line.hookId === refusing.body.id);
    assert.ok(refused, 'the 400 is logged with its hook');
    assert.equal(refused.level, WARN);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.reason, 'Not retried: HTTP 400');
    assert.equal(refused.eventType, 'resource.updated');
    assert.equal(refused.targetType, 'http');
    assert.equal(refused.attemptsMade, 1);
    assert.equal(typeof refused.deliveryId, 'string');

    const [disabled] = await eventually(() => {
      const found = logged('Hook disabled');
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(disabled?.hookId, gone.body.id);
    assert.equal(disabled?.level, WARN);
    assert.match(String(disabled?.reason), /410/);
    const [mailed] = await eventually(() => {
      const found = logged('Owner mailed: hook disabled');
      assert.equal(found.length, 1, 'mailed once');
      return found;
    });
    assert.equal(mailed?.hookId, gone.body.id);
    assert.equal(mailed?.ownerId, owner.id);
    assert.equal(mailed?.level, INFO);
    assert.equal(typeof mailed?.messageId, 'string');

    const replay = await as('POST', `/v1/deliveries/${String(refused.deliveryId)}/replay`, {});
    assert.equal(replay.status, 202, JSON.stringify(replay.body));
    const replayId = replay.body.id as string;
    const [started] = await eventually(() => {
      const found = logged('Replay started').filter((line) => line.replayId === replayId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(started?.level, INFO);
    const [finished] = await eventually(() => {
      const found = logged('Replay finished').filter((line) => line.replayId === replayId);
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(finished?.status, 'completed');
    assert.equal(finished?.kind, 'delivery');
    assert.equal(finished?.ownerId, owner.id);
    assert.equal(finished?.total, 1);
    // The replayed delivery failed for good too, and says so under its own id.
    await eventually(() => assert.equal(logged('Delivery failed for good').length, 3));
    // Said once: the SDK's own line for the workflow that failed on purpose (long done by now) is not a warning.
    assert.deepEqual(
      lines.filter((line) => line.msg === 'Workflow failed' && line.level >= WARN),
      [],
    );
  });

  it("logs an error under `error` with its type and message, as the SDK passes a failed workflow's", () => {
    const script = [
      "const { createLogger } = require('./infra/logger');",
      "createLogger('info', 'error-check').warn({ error: new TypeError('boom') }, 'Workflow failed');",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const line = JSON.parse(run.stdout) as LogLine & { error: Record<string, unknown> };
    assert.equal(line.error.type, 'TypeError');
    assert.equal(line.error.message, 'boom');
    assert.match(String(line.error.stack), /TypeError: boom/);
  });

  it('prints readable lines, not JSON, with LOG_FORMAT=pretty', () => {
    const script = [
      "const { loadConfig } = require('./infra/config');",
      "const { createLogger } = require('./infra/logger');",
      "createLogger('info', 'pretty-check', loadConfig().logFormat).warn({ hookId: 'hook_1' }, 'Hook disabled');",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, LOG_FORMAT: 'pretty' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.stdout.trimStart().startsWith('{'), run.stdout);
    assert.match(run.stdout, /WARN \(pretty-check\/\d+\): Hook disabled/);
    assert.match(run.stdout, /hookId: "hook_1"/);
  });
});
