import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstAttemptRecord } from '../activities/delivery-records';
import { createdHourOf } from '../core/created-hour';
import { eventKey, idOf } from '../core/ids';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../infra/retention';
import { RETENTION_WORKFLOW } from '../shared/temporal-names';
import type { enforceRetention } from '../workflows';
import { startHookflow, type Hookflow } from './support/hookflow';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SWEPT = ['deliveries', 'replays', 'events'];

/** Retention on the real stack: the scheduled workflow deletes old records in batches, and nothing newer. */
describe('retention', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow();
  });
  after(async () => {
    await hookflow?.stop();
  });

  const runRetention = (retention: string, batchSize: number) =>
    hookflow.temporal.workflow.execute<typeof enforceRetention>(RETENTION_WORKFLOW, {
      workflowId: `retention-test-${Date.now()}`,
      taskQueue: hookflow.config.temporal.taskQueue,
      args: [{ retention, batchSize }],
    });
  const ids = async (name: string) =>
    (
      await hookflow.mongo
        .collection(name)
        .find({}, { projection: { _id: 1 } })
        .toArray()
    )
      .map((d) => d._id)
      .sort();
  const sweptBefore = async () =>
    (await hookflow.mongo.collection('retention_state').find({}).sort({ _id: 1 }).toArray()).map((state) => [
      state._id,
      state.sweptBefore,
    ]);
  /** A store as it starts: nothing in it, never swept. */
  const emptyStore = async () => {
    for (const name of [...SWEPT, 'retention_state']) await hookflow.mongo.collection(name).deleteMany({});
  };

  it('deletes records written before createdHour existed once, and gives the others their hour', async () => {
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
    // A record with no creation time was never expired, and stays so; it does not hide the old ones.
    await db
      .collection('deliveries')
      .insertOne({ _id: 'dlv_undated' as never, eventId: 'evt_age_40', status: 'failed' });
    await db.collection('replays').insertMany(
      [45, 2].map((age) => ({
        _id: `rpl_age_${age}` as never,
        ownerId: 'own_x',
        kind: 'recovery',
        createdAt: at(age),
      })),
    );

    const deleted = await runRetention('30d', 2);
    assert.equal(deleted, 3 + 2 + 1);
    assert.deepEqual(await ids('events'), ['evt_age_1', 'evt_age_29']);
    assert.deepEqual(await ids('deliveries'), ['dlv_age_1', 'dlv_age_29', 'dlv_undated']);
    assert.deepEqual(await ids('replays'), ['rpl_age_2']);
    // What is left is swept by the hour from now on: each record names the hour of its createdAt.
    for (const name of SWEPT) {
      for (const record of await db
        .collection(name)
        .find({ createdAt: { $exists: true } })
        .toArray()) {
        assert.equal(record.createdHour, createdHourOf(record.createdAt), `${name} ${String(record._id)}`);
      }
    }
    const states = await db.collection('retention_state').find({}).toArray();
    assert.deepEqual(states.map((state) => [state._id, state.undatedStamped]).sort(), [
      ['deliveries', true],
      ['events', true],
      ['replays', true],
    ]);
  });

  it('sweeps hour by hour from where the last sweep stopped, to the minute of the cutoff', async () => {
    await emptyStore();
    const db = hookflow.mongo;
    // A retention whose cutoff falls in the middle of an hour, 30 days ago: that hour is split.
    const splitHour = Math.floor((Date.now() - 30 * DAY) / HOUR) * HOUR;
    const retention = `${Math.round((Date.now() - (splitHour + HOUR / 2)) / 60_000)}m`;
    const atMinutes = (minutes: number) => new Date(splitHour + HOUR / 2 + minutes * 60_000);
    const stamped = (at: Date) => ({ createdAt: at, createdHour: createdHourOf(at) });
    const ages = { old: -3 * DAY, sameHourBefore: -10, sameHourAfter: 10, young: 29 * DAY } as const;
    const minutesOf = (age: number) => (Math.abs(age) >= DAY ? age / 60_000 : age);
    for (const [name, extra] of [
      ['events', { type: 'reaction', ownerId: 'own_x', data: {} }],
      ['deliveries', { eventId: 'evt_x', hookId: 'hook_x', ownerId: 'own_x', status: 'failed', attempts: [] }],
      ['replays', { ownerId: 'own_x', kind: 'recovery' }],
    ] as const) {
      await db.collection(name).insertMany(
        Object.entries(ages).map(([label, age]) => ({
          _id: `${name}_${label}` as never,
          ...extra,
          ...stamped(atMinutes(minutesOf(age))),
        })),
      );
    }

    const deleted = await runRetention(retention, 1);
    assert.equal(deleted, 3 * 2);
    for (const name of SWEPT) assert.deepEqual(await ids(name), [`${name}_sameHourAfter`, `${name}_young`]);
    // The split hour is not over: the next sweep starts from it, not from the first record.
    const splitHourName = createdHourOf(new Date(splitHour));
    assert.deepEqual(await sweptBefore(), SWEPT.map((name) => [name, splitHourName]).sort());

    // The next sweep finds what expired since, from the hour the last one stopped at.
    const later = `${Math.round((Date.now() - (splitHour + HOUR / 2 + 20 * 60_000)) / 60_000)}m`;
    assert.equal(await runRetention(later, 1), 3);
    for (const name of SWEPT) assert.deepEqual(await ids(name), [`${name}_young`]);
  });

  it('stamps every new record with its hour of creation', async () => {
    const { models } = hookflow;
    const [ownerId, eventId] = [idOf('owner', 'own_x'), idOf('event', 'evt_new')];
    const event = await models.Event.create({
      _id: eventKey(ownerId, eventId),
      id: eventId,
      type: 'reaction',
      ownerId,
      data: {},
    });
    const replay = await models.Replay.create({
      _id: idOf('replay', 'rpl_new'),
      ownerId,
      kind: 'event',
      ratePerSecond: 1,
      total: 0,
    });
    const delivery = firstAttemptRecord(
      {
        deliveryId: idOf('delivery', 'dlv_new'),
        eventId,
        eventType: 'test.event',
        hookId: idOf('hook', 'hook_x'),
        ownerId,
      },
      { status: 'succeeded' },
      { startedAt: new Date(), durationMs: 1 },
      Date.now(),
    );
    for (const record of [event.toObject(), replay.toObject(), delivery]) {
      assert.equal((record as { createdHour?: string }).createdHour, createdHourOf(record.createdAt));
    }
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
