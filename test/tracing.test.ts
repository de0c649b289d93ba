import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { loadConfig, type ConfigEnv } from '../infra/config';
import { startEntryPoint, waitForReadyApi } from '../scripts/devstack/app-processes';
import { freePort } from '../scripts/devstack/ports';
import { writeWorkflowBundle } from '../scripts/bundle-workflows';
import type { Managed } from '../scripts/devstack/processes';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startOtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startReceiver } from './support/receiver';
import { throwawayDir } from './support/throwaway-dir';
import { startWorkerProcess } from './support/worker-process';

const SERVER = 2;
const CLIENT = 3;

/** A first attempt's send and its ancestors: the first hooks' local activity, its workflow, the post. */
const FIRST_ATTEMPT = [
  'POST',
  'RunActivity:deliverFirstSlices',
  'StartActivity:deliverFirstSlices',
  'RunWorkflow:deliverDispatch',
  'StartWorkflow:deliverDispatch',
  'POST /v1/events',
];

/** The names from `span` up to its trace's root, `span` first. */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const names = [span.name];
  for (let parent = span.parentSpanId; parent;) {
    const found = spans.find((candidate) => candidate.spanId === parent);
    assert.ok(found, `the parent ${parent} of a ${names.at(-1)} span was exported`);
    names.push(found.name);
    parent = found.parentSpanId;
  }
  return names;
}

/** The trace context the Temporal interceptors put in a workflow's start, if any. */
async function startedWithTraceContext(hookflow: Hookflow, workflowId: string): Promise<boolean> {
  const history = await hookflow.temporal.workflow.getHandle(workflowId).fetchHistory();
  const fields = history.events?.[0]?.workflowExecutionStartedEventAttributes?.header?.fields ?? {};
  return '_tracer-data' in fields;
}

/**
 * OpenTelemetry tracing on the real stack: an API and a worker process
 * exporting to a local OTLP/HTTP receiver (JSON), one posted event delivered
 * to two hooks (one of them through a retry), and the spans of its trace;
 * beside them the test's own API and worker, which do not trace.
 */
describe('OpenTelemetry tracing', () => {
  let hookflow: Hookflow;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: Managed | undefined;
  let api: Managed | undefined;
  let tracedApiUrl: string;
  const flakyAnswers: number[] = [500, 200];

  before(async () => {
    // The in-process API and worker do not trace (the test's environment names no collector). The traced
    // ones serve a task queue of their own, so that each workflow runs on a worker like the API that started it.
    hookflow = await startHookflow();
    const traced = {
      ...hookflow.config,
      temporal: { ...hookflow.config.temporal, taskQueue: `${hookflow.config.temporal.taskQueue}-traced` },
    };
    otlp = await startOtlpReceiver();
    receiver = await startReceiver((request) => (request.path === '/flaky' ? (flakyAnswers.shift() ?? 200) : 200));
    const tracing: ConfigEnv = {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    // The production worker's way: the prebuilt bundle, whose tracing interceptors are always built in.
    const bundle = join(throwawayDir('hookflow-traced-'), 'workflow-bundle.js');
    await writeWorkflowBundle(bundle);
    worker = await startWorkerProcess(traced, 'traced-worker', {
      env: { ...tracing, HOOKFLOW_WORKFLOW_BUNDLE: bundle },
    });
    const port = await freePort();
    tracedApiUrl = `http://127.0.0.1:${port}`;
    api = startEntryPoint('traced-api', 'api/main.ts', {
      ...tracing,
      PORT: String(port),
      MONGODB_URI: hookflow.config.mongodbUri,
      TEMPORAL_ADDRESS: hookflow.config.temporal.address,
      TEMPORAL_TASK_QUEUE: traced.temporal.taskQueue,
      LOG_LEVEL: 'warn',
      // Long enough that two posts right after a first share a dispatch, however loaded the machine.
      HOOKFLOW_DISPATCH_INTERVAL: '1s',
    });
    await waitForReadyApi(tracedApiUrl, api);
  });
  after(async () => {
    await api?.stop();
    await worker?.stop();
    await receiver?.close();
    await otlp?.close();
    await hookflow?.stop();
  });

  it('traces a post through its workflow and activities to each send, retries included', async () => {
    const owner = await hookflow.createOwner(`Traced ${Date.now()}`);
    for (const name of ['steady', 'flaky']) {
      const created = await hookflow.request(
        'POST',
        '/v1/hooks',
        {
          name,
          events: ['resource.created'],
          target: { type: 'http', url: `${receiver.url}/${name}` },
          delivery: { retrySchedule: ['1s'] },
        },
        { key: owner.apiKey },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { id: 'traced-1', type: 'resource.created', resourceType: 'project', resourceId: 'prj_1', data: {} },
      { key: owner.apiKey, baseUrl: tracedApiUrl },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const received = await receiver.waitForRequests(3, 30_000);
    assert.equal(await startedWithTraceContext(hookflow, `event:${owner.id}/traced-1`), true);

    const apiSpan = await eventually(() => {
      const found = otlp.spans.find((span) => span.name === 'POST /v1/events');
      assert.ok(found, 'the API exported its span for the post');
      return found;
    });
    assert.equal(apiSpan.kind, SERVER);
    assert.equal(apiSpan.service, 'hookflow-api');
    assert.equal(apiSpan.parentSpanId, '', 'the post (without traceparent) starts the trace');
    assert.equal(apiSpan.attributes['http.response.status_code'], 202);
    const inTrace = () => otlp.spans.filter((span) => span.traceId === apiSpan.traceId);
    const sends = await eventually(() => {
      const found = inTrace().filter((span) => span.kind === CLIENT);
      assert.equal(found.length, 3, `three sends in the trace, got ${found.map((span) => span.name).join(', ')}`);
      return found;
    }, 30_000);

    const retry = [
      'POST',
      'RunActivity:attemptDelivery',
      'StartActivity:attemptDelivery',
      'RunWorkflow:retryDelivery',
      'StartWorkflow:retryDelivery',
      'RunActivity:handOnFailures',
      'StartActivity:handOnFailures',
      ...FIRST_ATTEMPT.slice(3),
    ];
    // A workflow's spans come when its activation completes, StartActivity's once the activity has: after the send's.
    await eventually(() =>
      assert.deepEqual(
        sends.map((send) => ancestry(inTrace(), send)).sort((a, b) => a.length - b.length),
        [FIRST_ATTEMPT, FIRST_ATTEMPT, retry],
      ),
    );
    for (const send of sends) {
      assert.equal(send.service, 'hookflow-worker');
      assert.equal(send.attributes['http.request.method'], 'POST');
      assert.equal(send.attributes['server.address'], '127.0.0.1');
      assert.equal(send.attributes['server.port'], Number(new URL(receiver.url).port));
      assert.equal(send.attributes['url.full'], undefined, 'no path: target URLs may hold credentials');
    }
    assert.deepEqual(sends.map((send) => send.attributes['http.response.status_code']).sort(), [200, 200, 500]);
    // Receivers are third parties: our trace context is not theirs to join.
    assert.deepEqual(
      received.map((request) => request.headers.traceparent),
      [undefined, undefined, undefined],
    );
  });

  it("puts an owner's stream in the traces of the posts whose writes start its workflows", async () => {
    const streamReceiver = await startReceiver();
    try {
      const owner = await hookflow.createOwner(`Traced stream ${Date.now()}`);
      const created = await hookflow.request(
        'POST',
        '/v1/hooks',
        { name: 'stream', events: ['resource.created'], target: { type: 'http', url: `${streamReceiver.url}/s` } },
        { key: owner.apiKey },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const post = (id: string) =>
        hookflow.request(
          'POST',
          '/v1/events',
          { id, type: 'resource.created', resourceType: 'project', resourceId: id, data: {} },
          { key: owner.apiKey, baseUrl: tracedApiUrl },
        );
      // The first is committed alone (its owner at rest); the next two, within the interval, share a dispatch.
      assert.equal((await post('stream-1')).status, 202);
      const answers = await Promise.all([post('stream-2'), post('stream-3')]);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [202, 202],
      );
      await streamReceiver.waitForRequests(3, 30_000);

      const port = Number(new URL(streamReceiver.url).port);
      const sends = await eventually(() => {
        const found = otlp.spans.filter((span) => span.kind === CLIENT && span.attributes['server.port'] === port);
        assert.equal(found.length, 3);
        return found;
      }, 30_000);
      await eventually(() => {
        for (const send of sends) assert.deepEqual(ancestry(otlp.spans, send), FIRST_ATTEMPT);
      });
      // Two workflows, each below one post: the first post's (one send) and the dispatch's (two).
      const perTrace = new Map<string, number>();
      for (const send of sends) perTrace.set(send.traceId, (perTrace.get(send.traceId) ?? 0) + 1);
      assert.deepEqual([...perTrace.values()].sort(), [1, 2]);
    } finally {
      await streamReceiver.close();
    }
  });

  it('starts no tracer and passes no trace context without a collector', async () => {
    assert.equal(
      loadConfig({ OTEL_SERVICE_NAME: 'hookflow', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing,
      undefined,
    );
    // This process never started tracing: OpenTelemetry's global tracer is still its no-op, which records nothing.
    const probe = trace.getTracer('probe').startSpan('probe');
    assert.equal(probe.isRecording(), false);
    probe.end();

    // An API process with every OTEL_* setting but an endpoint, beside the test's own (untraced) worker.
    const port = await freePort();
    const untracedApi = startEntryPoint('untraced-api', 'api/main.ts', {
      OTEL_SERVICE_NAME: 'hookflow-untraced',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      PORT: String(port),
      MONGODB_URI: hookflow.config.mongodbUri,
      TEMPORAL_ADDRESS: hookflow.config.temporal.address,
      TEMPORAL_TASK_QUEUE: hookflow.config.temporal.taskQueue,
      LOG_LEVEL: 'warn',
    });
    try {
      const untracedApiUrl = `http://127.0.0.1:${port}`;
      await waitForReadyApi(untracedApiUrl, untracedApi);
      const owner = await hookflow.createOwner(`Untraced ${Date.now()}`);
      const created = await hookflow.request(
        'POST',
        '/v1/hooks',
        { name: 'quiet', events: ['resource.created'], target: { type: 'http', url: `${receiver.url}/quiet` } },
        { key: owner.apiKey },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const posted = await hookflow.request(
        'POST',
        '/v1/events',
        { id: 'untraced-1', type: 'resource.created', resourceType: 'project', resourceId: 'prj_2', data: {} },
        { key: owner.apiKey, baseUrl: untracedApiUrl },
      );
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      await eventually(() => assert.ok(receiver.requests.some((request) => request.path === '/quiet')), 30_000);
      assert.equal(await startedWithTraceContext(hookflow, `event:${owner.id}/untraced-1`), false);
      assert.equal(receiver.requests.find((request) => request.path === '/quiet')?.headers.traceparent, undefined);
    } finally {
      await untracedApi.stop();
    }
  });
});
