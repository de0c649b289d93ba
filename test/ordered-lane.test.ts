import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { LaneTurn } from '../activities/lane-turn';
import type { LaterAttempts } from '../activities/later-attempts';
import { createOrderedLane } from '../activities/ordered-lane';
import { markFannedOut } from '../activities/fanned-out';
import { deliveryId, eventKey, idOf, type EventId } from '../core/ids';
import { startHookflow, type Hookflow } from './support/hookflow';

const KEY = 'order-1';

/**
 * An ordered lane's one turn (activities/ordered-lane.ts) over the real store,
 * with sends recorded instead of made: a later event's delivery waits while an
 * earlier event of its key, which the hook takes, is still being fanned out
 * (its dispatch may run after the later one's), and goes once that event has
 * its delivery or its dispatch is done.
 */
describe('ordered lane: an earlier event still being fanned out', () => {
  let hookflow: Hookflow;

  before(async () => {
    hookflow = await startHookflow({ worker: false });
  });
  after(async () => {
    await hookflow?.stop();
  });

  async function setUp() {
    const owner = await hookflow.createOwner(`Lane ${Date.now()}`);
    const hook = await hookflow.request(
      'POST',
      '/v1/hooks',
      {
        name: 'ordered',
        events: ['resource.updated'],
        target: { type: 'http', url: 'http://127.0.0.1:9/ordered' },
        delivery: { ordering: 'fifo' },
      },
      { key: owner.apiKey },
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const hookId = idOf('hook', hook.body.id as string);
    const { models } = hookflow;
    // Every event below is of one dispatch, whose fan-out is under way until the test says it is done.
    const dispatchId = idOf('dispatch', `dsp_${hookId}`);
    await models.FanOutPending.create({ _id: dispatchId, ownerId: owner.id });

    /** An event of the key, at `sequence`, in the dispatch. */
    async function event(id: string, sequence: number, type = 'resource.updated') {
      await models.Event.collection.insertOne({
        _id: eventKey(owner.id, idOf('event', id)) as never,
        id,
        ownerId: owner.id,
        type,
        orderingKey: KEY,
        sequence,
        data: { id },
        dispatchId,
        createdAt: new Date(),
      });
    }
    /** The pending delivery the fan-out records for an ordered hook. */
    async function delivery(eventId: string, sequence: number) {
      await models.Delivery.collection.insertOne({
        _id: deliveryId(idOf('event', eventId), hookId) as never,
        eventId,
        hookId,
        ownerId: owner.id,
        status: 'pending',
        orderingKey: KEY,
        sequence,
        attempts: [],
        createdAt: new Date(),
        updatedAt: new Date(),
      });
    }

    /** The lane's sends, in order: each recorded as a success. */
    const sent: EventId[] = [];
    const laterAttempts: LaterAttempts = {
      eventOf: (d) => models.Event.findById(eventKey(d.ownerId, d.eventId)).lean(),
      async sendAgain(d) {
        sent.push(d.eventId);
        await models.Delivery.updateOne({ _id: d._id }, { $set: { status: 'succeeded' } });
        return { step: { status: 'succeeded' } };
      },
      attemptLater: () => Promise.reject(new Error('an ordered lane makes no retry workflow attempts')),
    };
    const orderedTurn = createOrderedLane({ models, laterAttempts });
    /** One turn of the key's lane, as the lane workflow runs it: it ends once the key has nothing left. */
    const startTurn = (): Promise<LaneTurn> =>
      new MockActivityEnvironment({ taskQueue: hookflow.config.temporal.taskQueue }).run(() =>
        orderedTurn({ hookId, orderingKey: KEY, pace: { notBefore: 0 } }),
      );
    return { dispatchId, event, delivery, sent, startTurn };
  }

  it('holds the next delivery until the earlier event has its own, then sends both in order', async () => {
    const lane = await setUp();
    // Another type is no concern of the hook's: its mark holds nothing back.
    await lane.event('unrelated', 1, 'other.thing');
    await lane.event('first', 2);
    await lane.event('second', 3);
    await lane.delivery('second', 3);
    const turn = lane.startTurn();
    await sleep(800);
    assert.deepEqual(lane.sent, [], 'the second waits for the first, whose dispatch is still under way');
    await lane.delivery('first', 2);
    assert.equal((await turn).sent, 2);
    assert.deepEqual(lane.sent, ['first', 'second']);
  });

  it('lets the next delivery go once the earlier event turns out to have none (its dispatch is done)', async () => {
    const lane = await setUp();
    await lane.event('passed-over', 2);
    await lane.event('after', 3);
    await lane.delivery('after', 3);
    const turn = lane.startTurn();
    await sleep(800);
    assert.deepEqual(lane.sent, []);
    await markFannedOut(hookflow.models, lane.dispatchId);
    const { stop, wakeAt, sent } = await turn;
    assert.deepEqual(lane.sent, ['after']);
    assert.deepEqual({ stop, wakeAt, sent }, { stop: false, wakeAt: undefined, sent: 1 });
  });
});
