import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../scripts/devstack/temporal';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type Answer } from './support/receiver';

const run = promisify(execFile);

/** One hook of the mixed fan-out: its path at the receiver, what it answers, in order (the last repeats), and its settings. */
interface MixedHook {
  path: string;
  answers: Answer[];
  /** How the delivery ends. */
  ends: 'succeeded' | 'failed';
  url?: string;
}

/**
 * What an operator sees in the Temporal Web UI (through the CLI, which asks
 * the same visibility store) after one event fans out to hooks that end every
 * way a delivery can: the failed deliveries it finds are the ones the API
 * lists as failed, whether they failed on their first attempt (inside the
 * fan-out) or gave up after retries.
 */
describe('the Temporal failure views tell the truth', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };
  let cli: string;
  const script: Record<string, Answer[]> = {};

  before(async () => {
    [hookflow, cli] = await Promise.all([startHookflow(), ensureTemporalCli()]);
    receiver = await startReceiver((request) => {
      const seen = receiver.requests.filter((r) => r.path === request.path).length;
      const answers = script[request.path] ?? [200];
      return answers[Math.min(seen - 1, answers.length - 1)] as Answer;
    });
    owner = await hookflow.createOwner('Failure views');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const as = (method: string, path: string, body?: unknown) =>
    hookflow.request(method, path, body, { key: owner.apiKey });

  /** `temporal workflow list --query`, as an operator would type it: the workflow ids it answers. */
  async function workflowList(query: string): Promise<string[]> {
    const { address, namespace } = hookflow.config.temporal;
    const { stdout } = await run(cli, [
      'workflow',
      'list',
      '--address',
      address,
      '--namespace',
      namespace,
      '--query',
      query,
      '--output',
      'json',
    ]);
    const listed = JSON.parse(stdout || '[]') as { execution: { workflowId: string } }[];
    return listed.map((workflow) => workflow.execution.workflowId).sort();
  }

  it('finds by DeliveryStatus, HookId and ExecutionStatus exactly the deliveries the API lists as failed', async () => {
    const hooks: MixedHook[] = [
      { path: '/ok', answers: [200], ends: 'succeeded' },
      { path: '/flaky', answers: [503, 200], ends: 'succeeded' },
      { path: '/gone', answers: [410], ends: 'failed' },
      { path: '/bad', answers: [400], ends: 'failed' },
      // A space in the URL: the template renders to something that is not a URL, and nothing is sent.
      { path: '/render', answers: [200], ends: 'failed', url: `${receiver.url}/render?q={{ event.data.emoji | raw }}` },
      { path: '/down', answers: [500], ends: 'failed' },
    ];
    const hookIds = new Map<string, string>();
    for (const hook of hooks) {
      script[hook.path] = hook.answers;
      const created = await as('POST', '/v1/hooks', {
        name: `Mixed ${hook.path}`,
        events: ['reaction'],
        resourceTypes: ['mixed'],
        target: { type: 'http', url: hook.url ?? `${receiver.url}${hook.path}` },
        // One retry a second later: /flaky then succeeds, /down gives up after its second attempt.
        delivery: { retrySchedule: ['1s'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      hookIds.set(hook.path, created.body.id as string);
    }
    const posted = await as('POST', '/v1/events', {
      type: 'reaction',
      resourceType: 'mixed',
      data: { emoji: 'thumbs up' },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));

    const deliveries = await eventually(async () => {
      const listed = (await as('GET', `/v1/events/${posted.body.id}`)).body.deliveries as {
        id: string;
        hookId: string;
        status: string;
      }[];
      assert.equal(listed.length, hooks.length);
      for (const hook of hooks) {
        const delivery = listed.find((d) => d.hookId === hookIds.get(hook.path));
        assert.equal(delivery?.status, hook.ends, hook.path);
      }
      return listed;
    }, 30_000);
    const failedByApi = (await as('GET', '/v1/deliveries?status=failed')).body.data as { id: string }[];
    assert.equal(failedByApi.length, 4);
    const ownerScope = `OwnerId = '${owner.id}'`;

    // The records are started after the deliveries are: visibility catches up a moment later.
    await eventually(async () => {
      const failed = await workflowList(`DeliveryStatus = 'failed' AND ${ownerScope}`);
      // A delivery's record is a retry workflow (delivery:<id>) or, when it failed on its first attempt, its own.
      const ids = failed.map((workflowId) => workflowId.replace(/^delivery(-failed)?:/, '')).sort();
      assert.deepEqual(ids, failedByApi.map((delivery) => delivery.id).sort());
      assert.deepEqual(await workflowList(`ExecutionStatus = 'Failed' AND ${ownerScope}`), failed);
    }, 20_000);

    // Each failed hook's deliveries by HookId, the way the README tells an operator to look.
    for (const hook of hooks) {
      const hookId = hookIds.get(hook.path) as string;
      const deliveryId = deliveries.find((d) => d.hookId === hookId)?.id;
      const found = await workflowList(`DeliveryStatus = 'failed' AND HookId = '${hookId}'`);
      assert.equal(found.length, hook.ends === 'failed' ? 1 : 0, hook.path);
      if (found[0]) assert.ok(found[0].endsWith(`:${deliveryId}`), `${hook.path}: ${found[0]}`);
    }

    // The given-up delivery's page: a failed workflow naming its hook, its host and the reason.
    const downId = deliveries.find((d) => d.hookId === hookIds.get('/down'))?.id as string;
    const down = hookflow.temporal.workflow.getHandle(`delivery:${downId}`);
    const described = await down.describe();
    assert.equal(described.status.name, 'FAILED');
    const summary = await described.staticSummary();
    assert.equal(summary, `reaction to "Mixed /down" (${hookIds.get('/down')}) at ${new URL(receiver.url).host}`);
    await assert.rejects(down.result(), (error: Error & { cause?: Error }) => {
      assert.equal(error.cause?.message, 'Gave up after 2 attempts; last: HTTP 500');
      return true;
    });

    // A delivery that failed on its first attempt: its record's page says why.
    const renderId = deliveries.find((d) => d.hookId === hookIds.get('/render'))?.id as string;
    const rendered = await hookflow.temporal.workflow.getHandle(`delivery-failed:${renderId}`).describe();
    assert.match((await rendered.staticDetails()) ?? '', /^Not retried: render: The URL rendered to something/);

    // The event's workflow is found by any hook it delivered to.
    const eventWorkflows = new Set<string>();
    for (const hookId of hookIds.values()) {
      const found = await workflowList(`HookIds = '${hookId}'`);
      const [workflowId] = found;
      assert.equal(found.length, 1, hookId);
      assert.ok(workflowId && workflowId.startsWith('event:'), workflowId);
      eventWorkflows.add(workflowId);
    }
    // Its page names the event, and what came of its first attempts: the flaky and the down hooks went on retrying.
    assert.equal(eventWorkflows.size, 1);
    const event = hookflow.temporal.workflow.getHandle([...eventWorkflows][0] as string);
    assert.equal(await (await event.describe()).staticSummary(), `Event reaction ${posted.body.id}`);
    const metadata = await event.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.equal(metadata.currentDetails, '6 deliveries: 1 succeeded, 2 retrying, 3 failed');
  });
});
