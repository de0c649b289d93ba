import type { HookId } from '../core/ids';
import type { Models } from '../infra/models';
import type { Delivery } from '../infra/models/delivery';
import { parkedDeliveriesOf } from './hook-switch';

/** The statuses of the deliveries a hook's lane holds: waiting for a first attempt, or for the next. */
export const OPEN_IN_LANE = ['pending', 'retrying'] as const;

/**
 * A hook's lane's deliveries of one status (workflows/hook-lane.ts): one
 * query per status, equalities only, which FerretDB hands to its store; see
 * the index notes in infra/models/delivery.ts.
 */
export function laneDeliveriesOf(hookId: HookId, status: (typeof OPEN_IN_LANE)[number]) {
  return { hookId, status, inLane: true };
}

/** What a lane reads of a delivery: what sending it again needs (activities/later-attempts.ts), and its order. */
export type LaneDelivery = Pick<
  Delivery,
  '_id' | 'eventId' | 'hookId' | 'ownerId' | 'attempts' | 'attemptsBeforeResume' | 'nextAttemptAt' | 'createdAt'
>;

const LANE_FIELDS = {
  _id: 1,
  eventId: 1,
  hookId: 1,
  ownerId: 1,
  attempts: 1,
  attemptsBeforeResume: 1,
  nextAttemptAt: 1,
  createdAt: 1,
};

/** When a delivery of a lane is due (its nextAttemptAt; at once without one). */
export function dueAt(delivery: { nextAttemptAt?: Date | null }): number {
  return delivery.nextAttemptAt?.getTime() ?? 0;
}

/**
 * A lane's next `limit` deliveries, due or not, in the order they are due
 * (then oldest first): a query per status, merged. Not due is left to the
 * caller: a range on nextAttemptAt is one FerretDB would evaluate itself, row
 * by row, where the sort and limit serve it on MongoDB.
 */
export async function nextInLane(models: Models, hookId: HookId, limit: number): Promise<LaneDelivery[]> {
  const found = await Promise.all(
    OPEN_IN_LANE.map((status) =>
      models.Delivery.find(laneDeliveriesOf(hookId, status), LANE_FIELDS)
        .sort({ nextAttemptAt: 1, createdAt: 1, _id: 1 })
        .limit(limit)
        .lean<LaneDelivery[]>(),
    ),
  );
  return found
    .flat()
    .sort((a, b) => dueAt(a) - dueAt(b) || a.createdAt.getTime() - b.createdAt.getTime())
    .slice(0, limit);
}

/** Whether a delivery of the key is one headOfKey would find: waiting its turn or its next attempt, or parked. */
export function isOpenInKey(delivery: { status: string; supersededBy?: string | null }): boolean {
  if (delivery.status === 'paused') return !delivery.supersededBy;
  return (OPEN_IN_LANE as readonly string[]).includes(delivery.status);
}

/**
 * An ordered hook's deliveries of one key and status (core/ordering.ts):
 * equalities only, as laneDeliveriesOf. Parked ones are those a resume would
 * take (parkedDeliveriesOf).
 */
export function keyDeliveriesOf(hookId: HookId, orderingKey: string, status: KeyStatus) {
  return status === 'paused' ? { ...parkedDeliveriesOf(hookId), orderingKey } : { hookId, orderingKey, status };
}

/** Every key's deliveries of one status (a hook's deletion cancels them): `$exists` runs on the equalities' rows. */
export function orderedDeliveriesOf(hookId: HookId, status: (typeof OPEN_IN_LANE)[number]) {
  return { hookId, status, orderingKey: { $exists: true } };
}

/** Where a key's deliveries wait: for their turn, for their next attempt, or parked while the hook was off. */
const OPEN_IN_KEY = [...OPEN_IN_LANE, 'paused'] as const;
type KeyStatus = (typeof OPEN_IN_KEY)[number];

/** What an ordered lane reads of its key's next delivery: what sending it needs, its place and its status. */
export type KeyDelivery = LaneDelivery & { status: KeyStatus; sequence: number };

/**
 * The key's next delivery: of those not done, the one whose event was
 * accepted first, whatever its status (a parked one waits for the resume, a
 * retrying one for its next attempt, and the later ones wait for it). A query
 * per status, each its lowest sequence.
 */
export async function headOfKey(models: Models, hookId: HookId, orderingKey: string): Promise<KeyDelivery | undefined> {
  const heads = await Promise.all(
    OPEN_IN_KEY.map((status) =>
      models.Delivery.findOne(keyDeliveriesOf(hookId, orderingKey, status), { ...LANE_FIELDS, status: 1, sequence: 1 })
        .sort({ sequence: 1, _id: 1 })
        .lean<KeyDelivery>(),
    ),
  );
  return heads
    .filter((head): head is KeyDelivery => head !== null)
    .sort((a, b) => a.sequence - b.sequence || a._id.localeCompare(b._id))[0];
}
