import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../domain/retention';
import { startHookflow, type Hookflow } from './support/hookflow';

const DAY = 86_400_000;

/** Retention on the real stack: the scheduled workflow deletes old records in batches, and nothing newer. */
describe('retention', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow();
  });
  after(async () => {
    await hookflow?.stop();
  });

  it('deletes events, deliveries and replays older than the retention, in bounded batches, and nothing newer', async () => {
    const db = hookflow.mongo;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY);
    // Written raw: the models stamp createdAt themselves, and these records must be old.
    await db.collection('events').insertMany(
      [40, 31, 29, 1].map((age) => ({
        _id: `evt_age_${age}` as never,
        type: 'reaction',
        ownerId: 'own_x',
        data: {},
        createdAt: at(age),
      })),
    );
    await db.collection('deliveries').insertMany(
      [40, 35, 31, 29, 1].map((age) => ({
        _id: `dlv_age_${age}` as never,
        eventId: 'evt_age_40',
        hookId: 'hook_x',
        ownerId: 'own_x',
        status: 'failed',
        attempts: [],
        createdAt: at(age),
      })),
    );
    await db.collection('replays').insertMany(
      [45, 2].map((age) => ({
        _id: `rpl_age_${age}` as never,
        ownerId: 'own_x',
        kind: 'recovery',
        createdAt: at(age),
      })),
    );

    const deleted = await hookflow.temporal.workflow.execute('enforceRetention', {
      workflowId: `retention-test-${Date.now()}`,
      taskQueue: hookflow.config.temporal.taskQueue,
      args: [{ retention: '30d', batchSize: 2 }],
    });
    assert.equal(deleted, 3 + 2 + 1);
    const ids = async (name: string) =>
      (
        await db
          .collection(name)
          .find({}, { projection: { _id: 1 } })
          .toArray()
      )
        .map((d) => d._id)
        .sort();
    assert.deepEqual(await ids('events'), ['evt_age_1', 'evt_age_29']);
    assert.deepEqual(await ids('deliveries'), ['dlv_age_1', 'dlv_age_29']);
    assert.deepEqual(await ids('replays'), ['rpl_age_2']);
  });

  it('keeps one retention schedule per task queue, brought to the configured retention at each start', async () => {
    const { temporal, config } = hookflow;
    await ensureRetentionSchedule(temporal, config.temporal.taskQueue, '30d');
    await ensureRetentionSchedule(temporal, config.temporal.taskQueue, '7d');
    const handle = temporal.schedule.getHandle(`${RETENTION_SCHEDULE_ID}:${config.temporal.taskQueue}`);
    try {
      const described = await handle.describe();
      assert.equal(described.action.type, 'startWorkflow');
      assert.equal(described.action.type === 'startWorkflow' && described.action.workflowType, 'enforceRetention');
      assert.deepEqual(described.action.type === 'startWorkflow' && described.action.args, [{ retention: '7d' }]);
      assert.equal(described.policies.overlap, 'SKIP');
    } finally {
      await handle.delete();
    }
  });
});
