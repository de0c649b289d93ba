import { eventOwnerQuery } from '../../services/events';
import {
  cancelReplay,
  getReplay,
  recoverHook,
  recoverHookInput,
  replayDelivery,
  replayDeliveryInput,
  replayEvent,
  replayEventInput,
} from '../../services/replays';
import type { AppDependencies } from '../dependencies';
import { idOf } from '../../core/ids';
import { IDEMPOTENCY_KEY, idempotencyKey } from '../idempotency-key';
import { Reply } from '../reply';
import { defineRoute, type RouteDefinition } from '../route';
import { replaySchema } from './schemas';

const STARTED = {
  status: 202,
  description: 'The replay, started',
  schema: replaySchema,
  also: [{ status: 200, description: 'The Idempotency-Key names a replay already made: that one; nothing is started' }],
};
const DISABLED = 'A hook it would deliver to is disabled, and the request does not ask to enable it';
const IDEMPOTENT =
  'Runs as a Temporal workflow (search attribute `ReplayId`), at most `ratePerSecond` deliveries a second. With an `Idempotency-Key` seen before, answers 200 with that replay and starts nothing. A disabled hook is refused with a 409 unless the request asks to enable it.';

/** Answers 202 for a replay just started, 200 for one an Idempotency-Key found. */
const started = ({ replay, created }: { replay: unknown; created: boolean }) =>
  created ? replay : new Reply(200, replay);

export function replayRoutes({ models, temporal, config }: AppDependencies): RouteDefinition[] {
  const deps = {
    models,
    temporal,
    taskQueue: config.temporal.taskQueue,
    deliveryDefaults: config.deliveryDefaults,
    replayRate: config.replayRate,
  };
  return [
    defineRoute({
      method: 'post',
      path: '/v1/deliveries/:id/replay',
      operationId: 'replays.delivery',
      tag: 'Replays',
      summary: 'Deliver one delivery again, as a new delivery linked by replayOf',
      description: IDEMPOTENT,
      access: 'tenant',
      body: replayDeliveryInput,
      idempotencyKey: IDEMPOTENCY_KEY,
      success: STARTED,
      errors: { 409: DISABLED },
      handle: async ({ params, body, caller, req }) =>
        started(await replayDelivery(deps, caller, idOf('delivery', params.id as string), body, idempotencyKey(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/events/:id/replay',
      operationId: 'replays.event',
      tag: 'Replays',
      summary: 'Deliver one event again to all or some of its hooks, and to new ones if asked',
      description: `${IDEMPOTENT} With the admin key, \`ownerId\` names the event's owner; it is required (400) when more than one owner sent the id.`,
      access: 'tenant',
      body: replayEventInput,
      query: eventOwnerQuery,
      idempotencyKey: IDEMPOTENCY_KEY,
      success: STARTED,
      errors: { 404: 'A hook of `hookIds` does not exist', 409: DISABLED },
      handle: async ({ params, query, body, caller, req }) =>
        started(
          await replayEvent(
            deps,
            caller,
            { id: idOf('event', params.id as string), ...query },
            body,
            idempotencyKey(req),
          ),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/recover',
      operationId: 'replays.recover',
      tag: 'Replays',
      summary: 'Deliver again everything a hook did not receive in a window, oldest first',
      description: `Statuses default to failed and paused; no cap on the window but retention. ${IDEMPOTENT}`,
      access: 'tenant',
      body: recoverHookInput,
      idempotencyKey: IDEMPOTENCY_KEY,
      success: STARTED,
      errors: { 409: DISABLED, 422: '`until` is not after `since`, or is in the future (`unprocessable`)' },
      handle: async ({ params, body, caller, req }) =>
        started(await recoverHook(deps, caller, idOf('hook', params.id as string), body, idempotencyKey(req))),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/replays/:id',
      operationId: 'replays.get',
      tag: 'Replays',
      summary: 'Read the progress of a replay or recovery',
      access: 'tenant',
      success: { status: 200, description: 'The replay and its progress', schema: replaySchema },
      handle: ({ params, caller }) => getReplay(models, caller, idOf('replay', params.id as string)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/replays/:id/cancel',
      operationId: 'replays.cancel',
      tag: 'Replays',
      summary: 'Stop a replay: no more pages, and no more retries of what it sent',
      access: 'tenant',
      success: { status: 202, description: 'Cancelling; read the replay for its final state', schema: replaySchema },
      handle: ({ params, caller }) => cancelReplay(deps, caller, idOf('replay', params.id as string)),
    }),
  ];
}
