import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ID_PREFIX } from '../core/ids';
import type { Managed } from '../scripts/devstack/processes';
import { freePort } from '../scripts/devstack/ports';
import { dashboardSeries } from './support/dashboard';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { parsePrometheusText, type MetricFamily } from './support/prometheus-text';
import { startReceiver } from './support/receiver';
import { startWorkerProcess } from './support/worker-process';

/** The sum of the series named `name` whose labels include `labels` (0 when there is none yet). */
function sumOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  return families
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name)
    .filter((sample) => Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Every label value of every series. */
function labelValues(families: MetricFamily[]): string[] {
  return families.flatMap((family) => family.samples.flatMap((sample) => Object.values(sample.labels)));
}

/** An id of ours, by its prefix (`hook_...`, `evt_...`, `dlv_...`, ...). */
const LOOKS_LIKE_AN_ID = new RegExp(`(^|[^a-z])(${Object.values(ID_PREFIX).join('|')})_[A-Za-z0-9]`);

/** A scrape, as Prometheus makes it: the text format, read by Prometheus' own client's parser. */
async function scrape(url: string, key?: string): Promise<MetricFamily[]> {
  const response = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = await parsePrometheusText(text);
  const names = families.map((family) => family.name);
  assert.deepEqual(
    names.filter((name, index) => names.indexOf(name) !== index),
    [],
    'no metric family is served twice',
  );
  return families;
}

/**
 * The metrics an operator's Prometheus scrapes, on the real stack: the API's
 * `GET /metrics` (admin key) and a worker process's own port, after posts and
 * deliveries whose outcomes are known, counted as they were sent.
 */
describe('Prometheus metrics of the API and the worker', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: Managed | undefined;
  let workerMetricsUrl: string;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
    receiver = await startReceiver((request) => (request.path === '/ok' ? 200 : request.path === '/gone' ? 410 : 500));
    const port = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    worker = await startWorkerProcess(hookflow.config, 'metrics-worker', {
      env: { HOOKFLOW_WORKER_METRICS_PORT: String(port) },
    });
  });
  after(async () => {
    await worker?.stop();
    await receiver?.close();
    await hookflow?.stop();
  });

  const apiMetricsUrl = () => `${hookflow.url}/metrics`;
  const adminKey = () => hookflow.config.adminKey as string;

  it('GET /metrics answers the admin key only', async () => {
    const owner = await hookflow.createOwner(`Metrics key ${Date.now()}`);
    assert.equal((await fetch(apiMetricsUrl())).status, 401);
    const asOwner = await fetch(apiMetricsUrl(), { headers: { authorization: `Bearer ${owner.apiKey}` } });
    assert.equal(asOwner.status, 403);
    const families = await scrape(apiMetricsUrl(), adminKey());
    assert.ok(
      families.some((family) => family.name === 'process_cpu_user_seconds'),
      'the default process metrics are there',
    );
  });

  it('counts what was posted and delivered, with no id among the labels', async () => {
    const before = {
      api: await scrape(apiMetricsUrl(), adminKey()),
    };
    const owner = await hookflow.createOwner(`Metrics ${Date.now()}`);
    const as = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      hookflow.request(method, path, body, { key: owner.apiKey, headers });
    const hook = async (name: string, delivery?: Record<string, unknown>) => {
      const created = await as('POST', '/v1/hooks', {
        name,
        events: ['resource.updated'],
        target: { type: 'http', url: `${receiver.url}/${name}` },
        ...(delivery ? { delivery } : {}),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id as string;
    };
    // 200; 410 (fails at once and disables its hook); 500 twice (a retry after 1 s, then it gives up);
    // 500 once, its retry an hour away.
    const hooks = {
      ok: await hook('ok'),
      gone: await hook('gone'),
      failing: await hook('failing', { retrySchedule: ['1s'] }),
      waiting: await hook('waiting', { retrySchedule: ['1h'] }),
    };

    const posted = await as(
      'POST',
      '/v1/events',
      { type: 'resource.updated', data: { n: 1 } },
      { 'Idempotency-Key': 'm-1' },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const repeated = await as(
      'POST',
      '/v1/events',
      { type: 'resource.updated', data: { n: 1 } },
      { 'Idempotency-Key': 'm-1' },
    );
    assert.equal(repeated.status, 200, 'a repeat is not a new event');
    // Two events no hook takes.
    const batch = await as('POST', '/v1/events/batch', {
      messageId: 'metrics-batch-1',
      events: [
        { type: 'reaction', data: { n: 2 } },
        { type: 'reaction', data: { n: 3 } },
      ],
    });
    assert.equal(batch.status, 202, JSON.stringify(batch.body));
    // Refused: a type outside the catalogue, a batch with one id twice (both 422 unprocessable), no key (401).
    assert.equal((await as('POST', '/v1/events', { type: 'no.such.type', data: {} })).status, 422);
    const twice = await as('POST', '/v1/events/batch', {
      messageId: 'metrics-batch-2',
      events: [
        { id: 'm-2', type: 'reaction', data: {} },
        { id: 'm-2', type: 'reaction', data: {} },
      ],
    });
    assert.equal(twice.status, 422);
    const anonymous = await hookflow.request('POST', '/v1/events', { type: 'reaction', data: {} }, { key: null });
    assert.equal(anonymous.status, 401);

    const statusOf = async (hookId: string) => {
      const listed = await as('GET', `/v1/deliveries?hookId=${hookId}`);
      assert.equal(listed.body.data.length, 1);
      return listed.body.data[0] as { id: string; status: string };
    };
    const settled = await eventually(async () => {
      const deliveries = {
        ok: await statusOf(hooks.ok),
        gone: await statusOf(hooks.gone),
        failing: await statusOf(hooks.failing),
        waiting: await statusOf(hooks.waiting),
      };
      assert.deepEqual(
        Object.values(deliveries).map((delivery) => delivery.status),
        ['succeeded', 'failed', 'failed', 'retrying'],
      );
      return deliveries;
    });
    const replay = await as('POST', `/v1/deliveries/${settled.ok.id}/replay`, {});
    assert.equal(replay.status, 202, JSON.stringify(replay.body));
    await eventually(async () => {
      assert.equal((await as('GET', `/v1/replays/${replay.body.id}`)).body.status, 'completed');
    });

    const api = await scrape(apiMetricsUrl(), adminKey());
    const delta = (name: string, labels?: Record<string, string>) =>
      sumOf(api, name, labels) - sumOf(before.api, name, labels);
    assert.equal(delta('hookflow_events_accepted_total'), 3, 'the new event and the batch of two');
    assert.equal(delta('hookflow_events_refused_total', { reason: 'unprocessable' }), 2);
    assert.equal(delta('hookflow_events_refused_total', { reason: 'unauthorized' }), 1);
    assert.equal(delta('hookflow_events_refused_total'), 3);
    const posts = (route: string, statusClass: string) =>
      delta('hookflow_http_request_duration_seconds_count', { method: 'POST', route, status_class: statusClass });
    assert.equal(posts('/v1/events', '2xx'), 2);
    assert.equal(posts('/v1/events', '4xx'), 2);
    assert.equal(posts('/v1/events/batch', '2xx'), 1);
    assert.equal(posts('/v1/events/batch', '4xx'), 1);
    assert.equal(posts('/v1/deliveries/:id/replay', '2xx'), 1, 'by route template, not by path');

    const workerFamilies = await eventually(async () => {
      const families = await scrape(workerMetricsUrl);
      // The count is reused for a few seconds: the one waiting retry shows once it is counted anew.
      assert.equal(sumOf(families, 'hookflow_retries_waiting'), 1);
      return families;
    });
    const count = (name: string, labels?: Record<string, string>) => sumOf(workerFamilies, name, labels);
    assert.equal(
      count('hookflow_deliveries_total', { outcome: 'succeeded', target_type: 'http' }),
      2,
      'ok, and its replay',
    );
    assert.equal(
      count('hookflow_deliveries_total', { outcome: 'failed', target_type: 'http' }),
      2,
      'gone, failing at last',
    );
    assert.equal(
      count('hookflow_deliveries_total', { outcome: 'retrying', target_type: 'http' }),
      2,
      'failing, waiting',
    );
    assert.equal(count('hookflow_deliveries_total'), 6);
    assert.equal(count('hookflow_attempt_duration_seconds_count', { target_type: 'http' }), 6, 'one per attempt');
    assert.equal(receiver.requests.length, 6, 'as many attempts as requests');
    assert.equal(count('hookflow_hooks_disabled_total'), 1);
    assert.equal(count('hookflow_replay_deliveries_total', { kind: 'delivery' }), 1);
    assert.equal(count('hookflow_replays_finished_total', { kind: 'delivery', status: 'completed' }), 1);
    const temporal = workerFamilies.filter((family) => family.name.startsWith('temporal_'));
    assert.ok(temporal.length > 0, "the Temporal SDK's own metrics come in the same scrape");
    assert.ok(
      temporal.some((family) =>
        family.samples.some((sample) => sample.labels.task_queue === hookflow.config.temporal.taskQueue),
      ),
      "the SDK's metrics are this worker's",
    );

    const served = new Set([...api, ...workerFamilies].flatMap((family) => family.samples.map((s) => s.name)));
    assert.deepEqual(
      dashboardSeries().filter((series) => !served.has(series)),
      [],
      'the Grafana dashboard (ops/grafana/) reads only series the API and the worker serve',
    );

    const ids = [owner.id, ...Object.values(hooks), ...Object.values(settled).map((d) => d.id), replay.body.id, 'm-1'];
    for (const value of [...labelValues(api), ...labelValues(workerFamilies)]) {
      assert.doesNotMatch(value, LOOKS_LIKE_AN_ID, `label value ${JSON.stringify(value)} looks like an id`);
      for (const id of ids) assert.ok(!value.includes(id), `label value ${JSON.stringify(value)} holds ${id}`);
    }
  });
});
