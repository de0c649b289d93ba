import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { laterAttemptUpdate } from '../activities/delivery-records';
import { recordStreaks } from '../activities/failure-streak';
import { createFanOutActivities } from '../activities/fan-out';
import type { AttemptAndRecord } from '../activities/first-attempts';
import { createRetentionActivities } from '../activities/retention';
import type { Caller } from '../core/caller';
import type { DeliverySettings } from '../core/delivery-settings';
import { getDelivery, listDeliveries } from '../services/deliveries';
import { findEvent } from '../services/events';
import { getHook, updateHook, updateHookInput } from '../services/hooks';
import { eventKey, idOf } from '../core/ids';
import type { Models } from '../infra/models';
import { createSecretBox } from '../infra/secret-box';
import { nextInLane } from '../records/lane-deliveries';
import { PRELOAD_EVENT_TYPE, type ProbeTenant } from './preload';

export interface HotQuery {
  name: string;
  /** What runs once before the query is measured or explained, when its first call is not the hot path's. */
  prepare?(): Promise<unknown>;
  run(): Promise<unknown>;
}

/**
 * Sends nothing and records nothing: the subscription lookup is the fan-out's
 * own reading of the event and the cursor over its hooks, without the sending.
 */
const countOnly: AttemptAndRecord = (items, options = {}) => {
  const outcome = {
    succeeded: items.length,
    failed: 0,
    parked: 0,
    paced: 0,
    retries: [],
    failures: [],
    hooksToDisable: [],
  };
  options.onSliceRecorded?.(outcome, items);
  return Promise.resolve(outcome);
};

/**
 * The queries on Hookflow's hot paths, each made by the code that makes it in
 * the app (domain functions and activities), for the probe tenant's records:
 * what issue 13 asks to stay flat however much the other owners store.
 */
export function hotQueries(models: Models, probe: ProbeTenant, deliveryDefaults: DeliverySettings): HotQuery[] {
  const caller: Caller = { kind: 'owner', ownerId: probe.ownerId, keyId: idOf('apiKey', 'key_probe') };
  const hookDeps = {
    models,
    deliveryDefaults,
    // A hook's name is all that changes here; nothing is sealed or opened.
    secrets: createSecretBox(randomBytes(32)),
    allowPrivateTargets: true,
  };
  const retention = createRetentionActivities({ models });
  const hourlySweep = () => retention.deleteExpiredBatch({ retention: '30d', limit: 1000 });
  const fanOut = createFanOutActivities({ models, attemptAndRecord: countOnly });
  let updates = 0;
  let nextPage: string | undefined;
  const hookPage = async () => {
    const page = await listDeliveries(models, caller, { hookId: probe.hookId, limit: 50 });
    nextPage = page.nextCursor;
    return page;
  };
  return [
    { name: 'delivery by id', run: () => getDelivery(models, caller, probe.deliveryId) },
    {
      // As attemptDelivery records a later attempt (activities/retries.ts).
      name: 'delivery update by id',
      run: () =>
        models.Delivery.updateOne(
          { _id: probe.deliveryId },
          laterAttemptUpdate(
            { status: 'retrying', delayMs: 60_000 },
            { startedAt: new Date(), durationMs: 42, statusCode: 500, errorKind: 'status' },
            Date.now(),
          ),
        ),
    },
    { name: 'event by id', run: () => findEvent(models, caller, probe.eventId) },
    {
      // No code path changes a stored event yet (group commit may name its dispatch): the store's update by _id.
      name: 'event update by id',
      run: () =>
        models.Event.updateOne(
          { _id: eventKey(probe.ownerId, probe.eventId) },
          { $set: { resourceId: `ord_${++updates}` } },
        ),
    },
    { name: 'hook by id', run: () => getHook(hookDeps, caller, probe.hookId) },
    {
      // PATCH /v1/hooks/:id: a find by id, then a findOneAndUpdate by id.
      name: 'hook update by id',
      run: () => updateHook(hookDeps, caller, probe.hookId, updateHookInput.parse({ name: `probe ${++updates}` })),
    },
    {
      // As a retried attempt that failed again keeps its hook's streak (activities/retries.ts).
      name: 'failure streak of a retried attempt',
      run: () =>
        recordStreaks(models, [
          {
            hookId: probe.hookId,
            disableAfter: { failures: 1_000_000, window: '1h' },
            failureCountBefore: 1,
            succeeded: false,
            operational: false,
          },
        ]),
    },
    { name: "hook's deliveries", run: hookPage },
    {
      name: "hook's deliveries, 2nd page",
      run: async () => {
        if (!nextPage) await hookPage();
        return listDeliveries(models, caller, { hookId: probe.hookId, limit: 50, cursor: nextPage });
      },
    },
    {
      name: "hook's deliveries ?status=failed",
      run: () => listDeliveries(models, caller, { hookId: probe.hookId, status: 'failed', limit: 50 }),
    },
    {
      // The portal's filters on a hook's page: an event type, a status, a time window.
      name: "hook's deliveries ?eventType=",
      run: () => listDeliveries(models, caller, { hookId: probe.hookId, eventType: PRELOAD_EVENT_TYPE, limit: 50 }),
    },
    {
      name: "hook's deliveries ?eventType=&status=failed",
      run: () =>
        listDeliveries(models, caller, {
          hookId: probe.hookId,
          eventType: PRELOAD_EVENT_TYPE,
          status: 'failed',
          limit: 50,
        }),
    },
    {
      name: "hook's deliveries ?eventType=&since=&until=",
      run: () =>
        listDeliveries(models, caller, {
          hookId: probe.hookId,
          eventType: PRELOAD_EVENT_TYPE,
          since: new Date(Date.now() - 3_600_000).toISOString(),
          until: new Date().toISOString(),
          limit: 50,
        }),
    },
    { name: "owner's deliveries", run: () => listDeliveries(models, caller, { limit: 50 }) },
    {
      name: "owner's deliveries ?eventType=",
      run: () => listDeliveries(models, caller, { eventType: PRELOAD_EVENT_TYPE, limit: 50 }),
    },
    {
      name: "owner's deliveries ?eventType=&status=failed",
      run: () => listDeliveries(models, caller, { eventType: PRELOAD_EVENT_TYPE, status: 'failed', limit: 50 }),
    },
    {
      name: "owner's deliveries ?status=failed",
      run: () => listDeliveries(models, caller, { status: 'failed', limit: 50 }),
    },
    {
      // Everything preloaded is younger than the retention: the hourly sweep finds nothing to delete. A store's
      // first sweep looks for its oldest hour once (a sorted read FerretDB serves by reading the table); the
      // hourly sweeps after it start where the last one stopped, and those are the hot path.
      name: 'retention sweep, nothing due',
      prepare: hourlySweep,
      run: hourlySweep,
    },
    // A paced hook's lane's turn (activities/lane.ts): its next deliveries, a second's worth at 100 a second.
    { name: "lane's next deliveries", run: () => nextInLane(models, probe.hookId, 100) },
    {
      name: 'subscription lookup (fan-out)',
      run: () =>
        new MockActivityEnvironment().run(() =>
          // As a dispatch begins an event (by key: the event read back, then its hooks), with the workflow's bound.
          fanOut.deliverFirstSlices({ events: [{ eventKey: eventKey(probe.ownerId, probe.eventId) }], limit: 200 }),
        ),
    },
  ];
}
