import type { Model } from 'mongoose';
import { createdHourOf } from '../core/created-hour';
import { deliveryId, eventKey, idOf, type DeliveryId, type EventId, type HookId, type OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import type { StoredHttpTarget } from '../targets/http';

/** How much of each collection other owners hold; issue 13's "real data" is 1,000,000 / 200,000 / 10,000. */
export interface PreloadVolume {
  deliveries: number;
  events: number;
  hooks: number;
}

export const REAL_VOLUME: PreloadVolume = { deliveries: 1_000_000, events: 200_000, hooks: 10_000 };

export const PRELOAD_EVENT_TYPE = 'order.created';
/** Small owners beside the big one; together they hold a tenth of the hooks. */
const SMALL_OWNERS = 20;
const BIG_OWNER = idOf('owner', 'own_pre_big');
const DAY = 86_400_000;
/** Documents per insertMany: 5,000 was the fastest of 1,000 / 5,000 / 20,000 in bench/store-probe.ts's runs. */
const BATCH = 5_000;

/** The measured tenant: the same at every volume, so that a query's cost can be compared across volumes. */
export interface ProbeTenant {
  ownerId: OwnerId;
  hookIds: HookId[];
  /** Producer ids; eventKey(ownerId, id) is the record's. */
  eventIds: EventId[];
  /** An event in the middle, one of its deliveries. */
  eventId: EventId;
  deliveryId: DeliveryId;
  hookId: HookId;
}

const PROBE_OWNER = idOf('owner', 'own_probe');
const PROBE_HOOKS = 5;
const PROBE_EVENTS = 100;

function attempt(at: Date, ok: boolean) {
  return {
    startedAt: at,
    durationMs: 42,
    statusCode: ok ? 200 : 500,
    ...(ok ? {} : { errorKind: 'status', errorMessage: 'HTTP 500' }),
    responseHeaders: [
      { name: 'content-type', value: 'application/json' },
      { name: 'x-request-id', value: 'req_0123456789abcdef' },
    ],
    responseBody: ok ? '{"ok":true}' : '{"error":"upstream unavailable"}',
  };
}

/** A delivery as first-attempts records one: succeeded, failed for good, or waiting for its next try. */
function delivery(eventId: EventId, hookId: HookId, ownerId: OwnerId, createdAt: Date, outcome: number) {
  const status = outcome % 7 === 0 ? 'failed' : outcome % 11 === 0 ? 'retrying' : 'succeeded';
  return {
    _id: deliveryId(eventId, hookId),
    eventId,
    eventType: PRELOAD_EVENT_TYPE,
    hookId,
    ownerId,
    status,
    ...(status === 'retrying' ? { nextAttemptAt: new Date(createdAt.getTime() + 60_000) } : {}),
    attemptsBeforeResume: 0,
    ...(status === 'failed' ? { failureReason: 'The target answered HTTP 500 to every attempt' } : {}),
    attempts: [attempt(createdAt, status === 'succeeded')],
    createdAt,
    createdHour: createdHourOf(createdAt),
    updatedAt: createdAt,
  };
}

function event(id: EventId, ownerId: OwnerId, createdAt: Date) {
  return {
    _id: eventKey(ownerId, id),
    id,
    type: PRELOAD_EVENT_TYPE,
    ownerId,
    resourceType: 'order',
    resourceId: `ord_${id}`,
    data: { orderId: id, total: 1999, currency: 'EUR', lines: [{ sku: 'sku_1', quantity: 2 }] },
    createdAt,
    createdHour: createdHourOf(createdAt),
  };
}

function hook(id: HookId, ownerId: OwnerId, createdAt: Date) {
  const target: StoredHttpTarget = {
    type: 'http',
    url: 'https://receiver.example.test/hooks',
    method: 'POST',
    headers: [],
  };
  return {
    _id: id,
    ownerId,
    name: id,
    events: [PRELOAD_EVENT_TYPE],
    target,
    format: 'standard',
    status: 'enabled',
    delivery: {},
    signingSecrets: [{ sealed: 'v1.sealed-secret-placeholder', createdAt }],
    failureCount: 0,
    enabledCount: 0,
    createdAt,
    updatedAt: createdAt,
  };
}

type Kind = 'hooks' | 'events' | 'deliveries';

/** The kind's model, as one type: the three models' own types have no common insertMany signature. */
function modelOf(models: Models, kind: Kind): Model<object> {
  return { hooks: models.Hook, events: models.Event, deliveries: models.Delivery }[kind] as unknown as Model<object>;
}

/**
 * Inserts the documents BATCH at a time, two batches in flight (one built while
 * the store writes the other). The first document is validated against its
 * mongoose model, so that a schema change cannot leave the preload writing shapes
 * the app no longer stores (mongoose's ValidationError names the field); the rest go in unhydrated (`lean`), as fan-out writes.
 */
async function insertInBatches(models: Models, kind: Kind, docs: Iterable<object>): Promise<number> {
  const model = modelOf(models, kind);
  let inserted = 0;
  let batch: object[] = [];
  let writing: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const [first] = batch;
    if (inserted === 0 && first) await new model(first).validate();
    await writing;
    writing = model.insertMany(batch, { lean: true, ordered: false });
    inserted += batch.length;
    batch = [];
  };
  for (const doc of docs) {
    batch.push(doc);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  await writing;
  return inserted;
}

/**
 * Other owners' records: one big owner with nine tenths of the hooks and
 * SMALL_OWNERS small ones, events spread evenly over them over the last week
 * (newer ones later, as they arrive), each event delivered to
 * `deliveries / events` of its owner's hooks. Deterministic ids, so that a
 * second preload of the same volume adds nothing new.
 */
function* othersRecords(volume: PreloadVolume, now: number, kind: Kind): Generator<object> {
  const perEvent = Math.max(1, Math.round(volume.deliveries / Math.max(1, volume.events)));
  const smallHooks = Math.max(perEvent, Math.floor(volume.hooks / 10 / SMALL_OWNERS));
  const bigHooks = Math.max(perEvent, volume.hooks - smallHooks * SMALL_OWNERS);
  const owners = [
    { id: BIG_OWNER, hooks: bigHooks },
    ...Array.from({ length: SMALL_OWNERS }, (_, k) => ({ id: idOf('owner', `own_pre_${k}`), hooks: smallHooks })),
  ];
  const hookId = (owner: number, index: number) => idOf('hook', `hook_pre_${owner}_${index}`);
  const weekAgo = now - 7 * DAY;
  if (kind === 'hooks') {
    for (const [o, owner] of owners.entries()) {
      for (let h = 0; h < owner.hooks; h++) yield hook(hookId(o, h), owner.id, new Date(weekAgo + h * 1000));
    }
    return;
  }
  for (let i = 0; i < volume.events; i++) {
    const o = i % owners.length;
    const owner = owners[o] as (typeof owners)[number];
    const at = new Date(weekAgo + Math.floor((i / volume.events) * 7 * DAY));
    const id = idOf('event', `evt_pre_${i}`);
    if (kind === 'events') {
      yield event(id, owner.id, at);
      continue;
    }
    const turn = Math.floor(i / owners.length) * perEvent;
    for (let j = 0; j < perEvent; j++) {
      yield delivery(id, hookId(o, (turn + j) % owner.hooks), owner.id, at, i + j);
    }
  }
}

/** Fills the store with other owners' records (see othersRecords); answers how many of each it wrote. */
export async function preloadOthers(models: Models, volume: PreloadVolume, now = Date.now()) {
  const written: Record<Kind, number> = { hooks: 0, events: 0, deliveries: 0 };
  for (const kind of ['hooks', 'events', 'deliveries'] as const) {
    written[kind] = await insertInBatches(models, kind, othersRecords(volume, now, kind));
  }
  return written;
}

/**
 * The probe tenant: 5 hooks, 100 events of the last day, 500 deliveries (a
 * seventh failed). Written again after a preload, so that its rows come after
 * the others' as a live tenant's latest do: FerretDB stops reading a table at
 * the first match of a `findOne`, and rows at its start would hide a scan.
 */
export async function loadProbeTenant(models: Models, now = Date.now()): Promise<ProbeTenant> {
  for (const model of [models.Hook, models.Event, models.Delivery] as const) {
    await model.collection.deleteMany({ ownerId: PROBE_OWNER });
  }
  const at = (i: number) => new Date(now - DAY + i * 1000);
  const hookIds = Array.from({ length: PROBE_HOOKS }, (_, i) => idOf('hook', `hook_probe_${i}`));
  const eventIds = Array.from({ length: PROBE_EVENTS }, (_, i) => idOf('event', `evt_probe_${i}`));
  await insertInBatches(
    models,
    'hooks',
    hookIds.map((id, i) => hook(id, PROBE_OWNER, at(i))),
  );
  await insertInBatches(
    models,
    'events',
    eventIds.map((id, i) => event(id, PROBE_OWNER, at(i))),
  );
  await insertInBatches(
    models,
    'deliveries',
    eventIds.flatMap((e, i) => hookIds.map((h, j) => delivery(e, h, PROBE_OWNER, at(i), i * PROBE_HOOKS + j))),
  );
  const eventId = eventIds[PROBE_EVENTS / 2] as EventId;
  const hookId = hookIds[2] as HookId;
  return { ownerId: PROBE_OWNER, hookIds, eventIds, eventId, hookId, deliveryId: deliveryId(eventId, hookId) };
}
