import { createdHourOf } from '../core/created-hour';
import type { DeliveryId, EventId, HookId, OwnerId, ReplayId } from '../core/ids';
import type { Attempt } from '../infra/models/delivery';
import type { Hook } from '../infra/models/hook';
import type { NextStep } from './retry-plan';

/** Where a delivery stands after an attempt: its status, when it tries next, why it ended. */
function stepFields(step: NextStep, now: number) {
  return {
    status: step.status,
    ...(step.delayMs !== undefined ? { nextAttemptAt: new Date(now + step.delayMs) } : {}),
    ...(step.failureReason ? { failureReason: step.failureReason } : {}),
  };
}

/** Where a delivery for a hook that is off goes: kept, paused, until the hook is enabled again. */
export function parkedStep(hook: Pick<Hook, 'disabledReason'>): NextStep {
  return { status: 'paused', failureReason: `Hook disabled: ${hook.disabledReason ?? 'by its owner'}` };
}

/** Spreads the deliveries a host's pause held over its first second, so that they do not all come back at once. */
const HELD_SPREAD_MS = 1_000;

/** Where a delivery to a paused host goes: not sent, retried once the pause is over; no attempt is spent. */
export function heldStep(host: string, until: Date, now: number): NextStep {
  return {
    status: 'retrying',
    delayMs: Math.max(0, until.getTime() - now) + Math.round(Math.random() * HELD_SPREAD_MS),
    failureReason: `Waiting: sends to ${host} are paused until ${until.toISOString()} after too many failures`,
  };
}

/** Where an ordered or paced hook's new delivery goes (core/ordering.ts, core/pacing.ts): pending in its lane, due at once. */
export const LANE_STEP: NextStep = { status: 'pending', delayMs: 0 };

/**
 * The fields that have a value: the driver would write an undefined one as
 * null, where mongoose's casting leaves it out.
 */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/**
 * The record of a delivery's first attempt, inserted whole (nothing can be on
 * record for it yet) and as it is: fan-out inserts these by the thousand
 * without mongoose's casting, so the record carries its own timestamps. A
 * delivery parked for a hook that is off has no attempt yet, nor one pending in
 * its lane (LANE_STEP). An ordered hook's carries its `ordering`: its key's
 * lane sends it; any other pending one, its hook's lane.
 */
export function firstAttemptRecord(
  ids: {
    deliveryId: DeliveryId;
    eventId: EventId;
    /** The event's type, for filtering a hook's deliveries by it (GET /v1/deliveries?eventType=). */
    eventType: string;
    hookId: HookId;
    ownerId: OwnerId;
    replayId?: ReplayId;
    replayOf?: DeliveryId;
    /** An ordered hook's delivery (core/ordering.ts). */
    orderingKey?: string;
    sequence?: number;
  },
  step: NextStep,
  attempt: Attempt | undefined,
  now: number,
) {
  const { deliveryId, ...owners } = ids;
  const at = new Date(now);
  return {
    _id: deliveryId,
    ...definedOnly(owners),
    ...stepFields(step, now),
    ...(step.status === 'pending' && ids.orderingKey === undefined ? { inLane: true } : {}),
    attempts: attempt ? [definedOnly(attempt)] : [],
    createdAt: at,
    updatedAt: at,
    createdHour: createdHourOf(at),
  };
}

/** The MongoDB update that records a later attempt (none when it was held) and where the delivery goes next. */
export function laterAttemptUpdate(step: NextStep, attempt: Attempt | undefined, now: number) {
  // A step leaves out what no longer holds: a success after a wait on a paused host drops the wait's reason.
  const unset = {
    ...(step.delayMs === undefined ? { nextAttemptAt: 1 } : {}),
    ...(step.failureReason ? {} : { failureReason: 1 }),
  };
  return {
    $set: stepFields(step, now),
    ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
    ...(attempt ? { $push: { attempts: attempt } } : {}),
  };
}
