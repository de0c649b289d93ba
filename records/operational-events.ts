import { mongo } from 'mongoose';
import { eventKey, idOf, type DeliveryId, type EventId, type HookId, type OwnerId } from '../core/ids';
import {
  OPERATIONAL_EVENT_TYPES,
  OPERATIONAL_RESOURCE_TYPE,
  type HookSummary,
  type LastError,
  type OperationalEventType,
} from '../core/operational-events';
import type { DeliverySettings } from '../core/delivery-settings';
import type { StoredEventRecord } from '../core/stored-events';
import type { Hook } from '../infra/models/hook';
import { startDispatch, type DispatchDependencies } from './dispatch-start';
import { subscribedHooksFilter } from './subscriptions';

/**
 * Building Hookflow's operational events (core/operational-events.ts) and
 * sending them through the engine as a producer's event goes: stored, then
 * delivered by its own event workflow (signed, retried, on record). Each one's
 * id derives from what caused it (the delivery that gave up, the hook's spell
 * that ended), so that a retried step stores and starts it once.
 */

/** An operational event, ready to store under each owner that receives it. */
export interface OperationalEvent {
  type: OperationalEventType;
  id: EventId;
  hook: HookSummary;
  data: Record<string, unknown>;
}

/** What an operational event says of the hook it is about. */
type AboutHook = Pick<Hook, '_id' | 'name' | 'ownerId' | 'target' | 'targetHost'>;

function summaryOf(hook: AboutHook): HookSummary {
  return {
    id: hook._id,
    name: hook.name,
    ownerId: hook.ownerId,
    targetType: hook.target.type,
    targetHost: hook.targetHost ?? null,
  };
}

function operationalEvent(
  type: OperationalEventType,
  cause: string,
  hook: AboutHook,
  reason: string,
  lastErrors: LastError[],
  details: Record<string, unknown>,
): OperationalEvent {
  const about = summaryOf(hook);
  return {
    type,
    id: idOf('event', `${type}:${cause}`),
    hook: about,
    data: { hook: about, reason, lastErrors, ...details },
  };
}

type Streak = Pick<Hook, 'failureCount' | 'failingSince'>;

function streakOf(hook: Streak) {
  return { failures: hook.failureCount, since: hook.failingSince?.toISOString() ?? null };
}

/** A hook switched off, in the enabled spell `spell` that it ends (Hook.enabledCount). */
export function hookDisabledEvent(
  hook: AboutHook & Streak & Pick<Hook, 'disabledReason' | 'disabledAt'>,
  spell: number,
  lastErrors: LastError[],
): OperationalEvent {
  return operationalEvent(
    OPERATIONAL_EVENT_TYPES.disabled,
    `${hook._id}:${spell}`,
    hook,
    hook.disabledReason ?? 'Disabled',
    lastErrors,
    { disabledAt: (hook.disabledAt ?? new Date()).toISOString(), streak: streakOf(hook) },
  );
}

/** A hook switched back on through the API, starting the enabled spell `spell`. */
export function hookEnabledEvent(
  hook: AboutHook,
  spell: number,
  enabled: { at: string; resume: boolean },
  lastErrors: LastError[],
): OperationalEvent {
  return operationalEvent(
    OPERATIONAL_EVENT_TYPES.enabled,
    `${hook._id}:${spell}`,
    hook,
    enabled.resume
      ? 'Enabled through the API; what it kept resumes'
      : 'Enabled through the API; what it kept is cancelled',
    lastErrors,
    { enabledAt: enabled.at, resume: enabled.resume },
  );
}

/** A streak (named by its start) past half its threshold. */
export function hookFailingEvent(
  hook: AboutHook,
  streak: { failures: number; since: Date; threshold: DeliverySettings['disableAfter'] },
  lastErrors: LastError[],
): OperationalEvent {
  const { failures, window } = streak.threshold;
  return operationalEvent(
    OPERATIONAL_EVENT_TYPES.failing,
    `${hook._id}:${streak.since.getTime()}`,
    hook,
    `${streak.failures} failed attempts in a row since ${streak.since.toISOString()}; disabled at ${failures} over ${window}`,
    lastErrors,
    { streak: { failures: streak.failures, since: streak.since.toISOString() }, threshold: { failures, window } },
  );
}

/** A delivery that failed for good. */
export function deliveryExhaustedEvent(
  hook: AboutHook,
  delivery: { _id: DeliveryId; eventId: EventId; failureReason?: string | null; attempts: unknown[] },
  eventType: string,
  lastErrors: LastError[],
): OperationalEvent {
  return operationalEvent(
    OPERATIONAL_EVENT_TYPES.exhausted,
    delivery._id,
    hook,
    delivery.failureReason ?? 'Failed',
    lastErrors,
    { deliveryId: delivery._id, eventId: delivery.eventId, eventType, attempts: delivery.attempts.length },
  );
}

export interface EmitDependencies extends DispatchDependencies {
  /** HOOKFLOW_OPERATOR_OWNER: receives every owner's operational events too. */
  operatorOwnerId: OwnerId | undefined;
}

const DUPLICATE_KEY = 11000;

/** The event under `ownerId`, stored now or by an earlier try (its id is the cause's). */
async function storeOnce(
  models: DispatchDependencies['models'],
  ownerId: OwnerId,
  event: OperationalEvent,
): Promise<StoredEventRecord> {
  const _id = eventKey(ownerId, event.id);
  try {
    const created = await models.Event.create({
      _id,
      id: event.id,
      type: event.type,
      ownerId,
      resourceType: OPERATIONAL_RESOURCE_TYPE,
      resourceId: event.hook.id,
      data: event.data,
    });
    return created.toObject();
  } catch (error) {
    if (!(error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    const stored = await models.Event.findById(_id).lean<StoredEventRecord>();
    if (!stored) throw error;
    return stored;
  }
}

/**
 * Sends the event to the hook's owner and to the operator owner, each as an
 * event of its own, and only to those with a hook that takes it (none is
 * stored for an owner that would not hear of it). Answers who got it.
 */
export async function emitOperationalEvent(deps: EmitDependencies, event: OperationalEvent): Promise<OwnerId[]> {
  const about = idOf('hook', event.hook.id) satisfies HookId;
  const owners = [...new Set([idOf('owner', event.hook.ownerId), deps.operatorOwnerId])].filter(
    (owner): owner is OwnerId => owner !== undefined,
  );
  const reached: OwnerId[] = [];
  for (const ownerId of owners) {
    const subscription = { ownerId, type: event.type, resourceType: OPERATIONAL_RESOURCE_TYPE, resourceId: about };
    if (!(await deps.models.Hook.exists(subscribedHooksFilter(subscription)))) continue;
    await startDispatch(deps, undefined, [await storeOnce(deps.models, ownerId, event)]);
    reached.push(ownerId);
  }
  return reached;
}
