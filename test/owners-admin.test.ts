import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScheduleNotFoundError } from '@temporalio/client';
import { idOf, type OwnerId } from '../core/ids';
import { deleteOwnerWorkflowId, deliveryWorkflowId, replayScheduleId } from '../shared/temporal-names';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/** The admin's management of owners on the real stack: list, change, and delete with everything they have. */
describe('owners, for the admin', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request) => (request.path === '/failing' ? 500 : 200));
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  it('lists owners newest first, a page at a time, for the admin only', async () => {
    const made = [];
    for (const name of ['First', 'Second', 'Third']) made.push(await hookflow.createOwner(`Listed ${name}`));
    const first = await hookflow.request('GET', '/v1/owners?limit=2');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.data.map((o: { name: string }) => o.name),
      ['Listed Third', 'Listed Second'],
    );
    const second = await hookflow.request('GET', `/v1/owners?limit=2&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.data[0].name, 'Listed First');
    const asOwner = await hookflow.request('GET', '/v1/owners', undefined, { key: made[0]?.apiKey });
    assert.equal(asOwner.status, 403);
  });

  it("changes an owner's name and alert email, and names what it refuses", async () => {
    const owner = await hookflow.createOwner('Renamed');
    const changed = await hookflow.request('PATCH', `/v1/owners/${owner.id}`, {
      name: 'Renamed Again',
      email: 'alerts@renamed.test',
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.name, changed.body.email], ['Renamed Again', 'alerts@renamed.test']);
    assert.equal((await hookflow.request('GET', `/v1/owners/${owner.id}`)).body.email, 'alerts@renamed.test');

    const empty = await hookflow.request('PATCH', `/v1/owners/${owner.id}`, {});
    assert.equal(empty.status, 400);
    assert.match(JSON.stringify(empty.body), /nothing to update/);
    const badEmail = await hookflow.request('PATCH', `/v1/owners/${owner.id}`, { email: 'not an address' });
    assert.equal(badEmail.status, 400);
    assert.match(JSON.stringify(badEmail.body), /email/);
    const unknown = await hookflow.request('PATCH', '/v1/owners/own_nobody', { name: 'x' });
    assert.equal(unknown.status, 404);
  });

  it('deletes an owner with its hooks, events, deliveries, schedules and keys, stopping its retries', async () => {
    const owner = await hookflow.createOwner('Leaving');
    const other = await hookflow.createOwner('Staying');
    const as = (key: string) => (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key });
    const leaving = as(owner.apiKey);
    const staying = as(other.apiKey);
    const hookFor = async (call: typeof leaving, path: string) => {
      const hook = await call('POST', '/v1/hooks', {
        name: path,
        events: ['reaction'],
        target: { type: 'http', url: `${receiver.url}${path}` },
        delivery: { retrySchedule: ['1h'] },
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      return hook.body.id as string;
    };
    const failingHook = await hookFor(leaving, '/failing');
    await hookFor(leaving, '/fine');
    const otherHook = await hookFor(staying, '/fine');
    for (const n of [1, 2, 3]) {
      assert.equal((await leaving('POST', '/v1/events', { type: 'reaction', data: { n } })).status, 202);
    }
    assert.equal((await staying('POST', '/v1/events', { type: 'reaction', data: { n: 0 } })).status, 202);
    const retrying = await eventually(async () => {
      const listed = (await leaving('GET', `/v1/deliveries?hookId=${failingHook}&status=retrying`)).body.data;
      assert.equal(listed.length, 3);
      return listed.map((d: { id: string }) => idOf('delivery', d.id));
    });
    await eventually(async () => {
      assert.equal((await leaving('GET', '/v1/deliveries?status=succeeded')).body.data.length, 3);
      assert.equal((await staying('GET', `/v1/deliveries?hookId=${otherHook}`)).body.data.length, 1);
    });
    const schedule = await leaving('POST', '/v1/replay-schedules', { hookId: failingHook, every: '1h', window: '1h' });
    assert.equal(schedule.status, 201, JSON.stringify(schedule.body));
    // Each hook's attempts are counted into its hour's stats (two hours' worth if the test crosses one).
    const statsKept = await eventually(async () => {
      const kept = await hookflow.mongo.collection('hook_stats').countDocuments({ ownerId: owner.id });
      assert.ok(kept >= 2, `${kept} hours of stats`);
      return kept;
    });
    const secondKey = await hookflow.request('POST', `/v1/owners/${owner.id}/keys`);
    assert.equal(secondKey.status, 201);

    const deleting = await hookflow.request('DELETE', `/v1/owners/${owner.id}`);
    assert.equal(deleting.status, 202, JSON.stringify(deleting.body));
    assert.ok(deleting.body.deletion?.requestedAt, 'the answer shows the deletion under way');
    assert.equal((await leaving('GET', '/v1/hooks')).status, 401, 'its keys stop working at once');
    assert.equal((await as(secondKey.body.apiKey as string)('GET', '/v1/hooks')).status, 401);
    const again = await hookflow.request('DELETE', `/v1/owners/${owner.id}`);
    assert.equal(again.status, 202, 'asked again, the same deletion answers');
    const refused = await hookflow.request('POST', '/v1/hooks', {
      ownerId: owner.id,
      name: 'too late',
      events: ['reaction'],
      target: { type: 'http', url: `${receiver.url}/late` },
    });
    assert.equal(refused.status, 404, 'no hook is made for an owner being deleted');

    const removed = await hookflow.temporal.workflow.getHandle(deleteOwnerWorkflowId(owner.id)).result();
    // A kind it found none of (replays, pending dispatches) is not named.
    assert.deepEqual(removed, {
      hooks: 2,
      replaySchedules: 1,
      deliveries: 6,
      hookStats: statsKept,
      events: 3,
      apiKeys: 2,
    });
    assert.equal((await hookflow.request('GET', `/v1/owners/${owner.id}`)).status, 404);
    for (const id of retrying) {
      const retry = await hookflow.temporal.workflow.getHandle(deliveryWorkflowId(id)).describe();
      assert.equal(retry.status.name, 'CANCELLED', 'its pending retries are stopped, not left to wake up');
    }
    await assert.rejects(
      hookflow.temporal.schedule.getHandle(replayScheduleId(idOf('replaySchedule', schedule.body.id))).describe(),
      ScheduleNotFoundError,
    );
    const left = async (collection: string, ownerId: OwnerId) =>
      hookflow.mongo.collection(collection).countDocuments({ ownerId });
    for (const collection of ['hooks', 'events', 'deliveries', 'hook_stats', 'api_keys', 'replay_schedules']) {
      assert.equal(await left(collection, owner.id), 0, `nothing of the owner is left in ${collection}`);
    }
    assert.equal(await left('hooks', other.id), 1, "another owner's data stays");
    assert.equal(await left('deliveries', other.id), 1);
    assert.equal((await staying('GET', '/v1/hooks')).status, 200);
  });
});
