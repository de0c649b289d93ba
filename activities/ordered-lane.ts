import { Context } from '@temporalio/activity';
import { setTimeout as sleep } from 'node:timers/promises';
import { filterMatcher } from '../core/hook-filter';
import { deliveryId, type HookId } from '../core/ids';
import { DEFAULT_ORDERING_KEY, orderingKeyOf, sequenceOf } from '../core/ordering';
import { isThrottled } from '../core/pacing';
import { eventView } from '../core/stored-events';
import type { Models } from '../infra/models';
import type { Hook } from '../infra/models/hook';
import { parkedDeliveriesOf, resumedFields } from '../records/hook-switch';
import { headOfKey, isOpenInKey, type KeyDelivery } from '../records/lane-deliveries';
import { hookTakes } from '../records/subscriptions';
import { keepHeartbeating } from './heartbeat';
import { closeLane } from './lane-closing';
import type { LanePace, LaneTurn } from './lane-turn';
import type { LaterAttempts } from './later-attempts';

/** How long one turn goes on sending a key's deliveries one after the other. */
const TURN_MS = 10_000;

/**
 * How often a lane looks again at an earlier event of its key whose fan-out
 * is under way: the fan-out usually records the event's delivery (and tells
 * the lane) or finishes within milliseconds.
 */
const FAN_OUT_POLL_MS = 100;

type StoredHook = Hook & { _id: HookId };

/**
 * The lane of one key of an ordered hook (core/ordering.ts): sends the key's
 * deliveries one at a time, each once the one before it is done (succeeded,
 * or failed for good), in the order their events were accepted.
 */
export function createOrderedLane({ models, laterAttempts }: { models: Models; laterAttempts: LaterAttempts }) {
  /**
   * Whether an event of the key accepted before the head may still get a
   * delivery for this hook: its dispatch has not gone through every hook yet
   * (models/fan-out-pending.ts), the hook takes it, and its delivery is not
   * on record, or went on record, open, after the head was read (the head is
   * then that one). Without this, a later event's dispatch that ran first would
   * send its delivery ahead. A read of the owner's dispatches under way (a
   * few at a time), and of each one's events of the key.
   */
  async function earlierEventComing(head: KeyDelivery, hook: StoredHook, orderingKey: string): Promise<boolean> {
    const underWay = await models.FanOutPending.find({ ownerId: head.ownerId }, { _id: 1 }).lean();
    const takes = filterMatcher();
    for (const { _id: dispatchId } of underWay) {
      const events = await models.Event.find({
        dispatchId,
        ...(orderingKey === DEFAULT_ORDERING_KEY ? {} : { orderingKey }),
      }).lean();
      for (const stored of events) {
        if (orderingKeyOf(stored) !== orderingKey || sequenceOf(stored) >= head.sequence) continue;
        if (!hookTakes(hook, eventView(stored), takes)) continue;
        const recorded = await models.Delivery.findOne(
          { _id: deliveryId(stored.id, hook._id) },
          { status: 1, supersededBy: 1 },
        ).lean();
        // Recorded and open, it went on record after the caller read the head: it is the head now, read again.
        if (!recorded || isOpenInKey(recorded)) return true;
      }
    }
    return false;
  }

  /**
   * One turn, for up to 10 s: the key's next delivery, sent when it is due,
   * then the next. A head that is retrying holds the key until its next
   * attempt (`held`); a parked one, met when the hook is back on, is resumed
   * in its place. A hook that is off or gone closes the lane.
   */
  return async function orderedTurn(input: { hookId: HookId; orderingKey: string; pace: LanePace }): Promise<LaneTurn> {
    const { taskQueue } = Context.current().info;
    const { orderingKey, pace } = input;
    const lane = { hookId: input.hookId, orderingKey };
    let sent = 0;
    const startedAt = Date.now();
    return keepHeartbeating(async (): Promise<LaneTurn> => {
      while (Date.now() < startedAt + TURN_MS) {
        const hook = await models.Hook.findById(input.hookId).lean<StoredHook>();
        if (!hook || hook.status !== 'enabled') {
          await closeLane(models, lane, hook);
          return { stop: true, pace, sent };
        }
        if (isThrottled(hook, Date.now()))
          return { stop: false, held: true, wakeAt: hook.throttledUntil?.getTime(), pace, sent };
        const head = await headOfKey(models, input.hookId, orderingKey);
        if (!head) return { stop: false, pace, sent };
        if (head.status === 'paused') {
          await models.Delivery.updateOne(
            { ...parkedDeliveriesOf(input.hookId), _id: head._id },
            { $set: resumedFields(head), $unset: { failureReason: 1 } },
          );
          continue;
        }
        const dueAt = head.nextAttemptAt?.getTime() ?? 0;
        if (dueAt > Date.now()) return { stop: false, held: true, wakeAt: dueAt, pace, sent };
        if (await earlierEventComing(head, hook, orderingKey)) {
          await sleep(FAN_OUT_POLL_MS);
          continue;
        }
        await laterAttempts.sendAgain(head, hook, await laterAttempts.eventOf(head), taskQueue);
        sent++;
      }
      // The turn ran its length: the next goes on at once.
      return { stop: false, wakeAt: Date.now(), pace, sent };
    });
  };
}
