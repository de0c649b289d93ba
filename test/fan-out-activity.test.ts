import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Connection } from 'mongoose';
import { createFanOutActivities, type FanOutOutcome, type FanOutProgress } from '../activities/fan-out';
import { recordStreaks } from '../activities/failure-streak';
import { createReplayActivities } from '../activities/replays';
import { createFirstAttempts } from '../activities/first-attempts';
import { NO_WATCHERS } from '../activities/attempt-watchers';
import { NO_ANNOUNCEMENTS } from '../activities/operational-events';
import { createHttpClient } from '../activities/http/client';
import { createHookSender } from '../activities/hook-sender';
import { createSender as createHttpSender } from '../targets/http/sender';
import { BUILT_IN_DELIVERY_SETTINGS } from '../core/delivery-settings';
import { eventView } from '../core/stored-events';
import { loadConfig } from '../infra/config';
import { seedEventCatalogue } from '../services/event-types';
import { createHook } from '../services/hooks';
import { deliveryId, eventKey, idOf, type EventKey, type HookId, type OwnerId } from '../core/ids';
import { createModels, type Models } from '../infra/models';
import { createWorkerMetrics } from '../infra/metrics/worker-metrics';
import { connectMongo, syncIndexes } from '../infra/mongo';
import { createOwner } from '../services/owners';
import { createSecretBox } from '../infra/secret-box';
import { disableHookWorkflowId } from '../shared/temporal-names';
import { noLanes } from './support/no-lanes';
import { startReceiver } from './support/receiver';
import { closedBreaker } from './support/closed-breaker';

/** Runs an activity as Temporal would on its given try (1 is the first), as a local activity if asked. */
function onTry<R>(attempt: number, activity: () => Promise<R>, options: { isLocal?: boolean } = {}): Promise<R> {
  return new MockActivityEnvironment({ attempt, isLocal: options.isLocal ?? false }).run(activity);
}

/**
 * The fan-out and replay page activities on the real database, called
 * directly: what Temporal does when it retries one after a worker crash.
 */
describe('fan-out and replay page activities', () => {
  let mongo: Connection;
  let models: Models;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const http = createHttpClient({ allowPrivateTargets: true });
  const secrets = createSecretBox(randomBytes(32));
  const sender = createHookSender({
    senders: new Map([['http', createHttpSender({ http, publicUrl: 'http://127.0.0.1:3000' })]]),
    secrets,
    deliveryDefaults: BUILT_IN_DELIVERY_SETTINGS,
  });
  /** The worker's first attempts on this file's store, `concurrency` at a time, with no breaker and no lanes. */
  const firstAttempts = (concurrency: number) =>
    createFirstAttempts({
      models,
      sender,
      hostBreaker: closedBreaker,
      concurrency,
      handToLanes: noLanes,
      tellWatchers: NO_WATCHERS,
      announceFailing: NO_ANNOUNCEMENTS,
    });

  before(async () => {
    const url = new URL(loadConfig().mongodbUri);
    url.pathname = `/hookflow_test_fanout_${randomBytes(4).toString('hex')}`;
    mongo = await connectMongo(url.toString());
    models = createModels(mongo);
    await syncIndexes(mongo);
    await seedEventCatalogue(models);
    receiver = await startReceiver((request) => (request.path === '/down' ? 503 : 200));
  });
  after(async () => {
    await receiver?.close();
    await http.close();
    await mongo?.dropDatabase();
    await mongo?.close();
  });

  /**
   * `count` enabled hooks of a new owner for `eventType`, in id order; by default every tenth one's receiver is
   * down; `filterOf` gives a hook its filter.
   */
  async function insertHooks(
    name: string,
    eventType: string,
    count: number,
    isDown = (i: number) => i % 10 === 0,
    filterOf: (i: number) => object | undefined = () => undefined,
  ) {
    const owner = await createOwner(models, { name, email: `${name.toLowerCase()}@example.test` });
    const sealed = secrets.seal('whsec_' + randomBytes(32).toString('base64'));
    const hooks = Array.from({ length: count }, (_, i) => ({
      _id: idOf('hook', `hook_${name.toLowerCase()}_${String(i).padStart(4, '0')}`),
      ownerId: owner.id,
      name: `${name} ${i}`,
      events: [eventType],
      target: { type: 'http', url: `${receiver.url}/${isDown(i) ? 'down' : 'up'}`, method: 'POST', headers: [] },
      format: 'standard',
      status: 'enabled',
      delivery: { timeout: '5s', retrySchedule: ['1m'], disableAfter: { failures: 100, window: '24h' } },
      signingSecrets: [{ sealed, createdAt: new Date() }],
      ...(filterOf(i) ? { filterJson: JSON.stringify(filterOf(i)) } : {}),
    }));
    await models.Hook.insertMany(hooks);
    return { owner, hooks };
  }

  /** Stores an event as the API would (under its owner's key of the id), and answers that key. */
  async function storeEvent(ownerId: OwnerId, id: string, type: string): Promise<EventKey> {
    const eventId = idOf('event', id);
    const key = eventKey(ownerId, eventId);
    await models.Event.create({ _id: key, id: eventId, type, ownerId, data: { user: {} } });
    return key;
  }

  it('sends nothing twice when retried, and still hands on what was left retrying', async (t) => {
    const owner = await createOwner(models, { name: 'Fan', email: 'fan@example.test' });
    const caller = { kind: 'owner', ownerId: owner.id, keyId: idOf('apiKey', 'key_test') } as const;
    const deps = { models, secrets, allowPrivateTargets: true, deliveryDefaults: BUILT_IN_DELIVERY_SETTINGS };
    for (const path of ['/up', '/down']) {
      await createHook(deps, caller, {
        name: path,
        events: ['follow'],
        target: { type: 'http', url: `${receiver.url}${path}`, method: 'POST', headers: {} },
        format: 'standard',
        delivery: { timeout: '5s', retrySchedule: ['1m'], disableAfter: { failures: 100, window: '24h' } },
      });
    }
    const fanoutKey = await storeEvent(owner.id, 'evt_fanout', 'follow');
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(4),
    });

    const lookups = t.mock.method(models.Delivery, 'find');
    const input = { event: { eventKey: fanoutKey } };
    const first = await onTry(1, () => activities.deliverToSubscribers(input));
    assert.equal(first.hooks, 2);
    assert.equal(first.succeeded, 1);
    assert.equal(first.retries.length, 1);
    assert.equal(receiver.requests.length, 2);
    assert.equal(lookups.mock.callCount(), 0, 'a first try looks up no deliveries');

    const again = await onTry(2, () => activities.deliverToSubscribers(input));
    assert.equal(receiver.requests.length, 2, 'no request is sent twice');
    assert.equal(again.skipped, 2);
    assert.deepEqual(
      again.retries.map((r) => r.deliveryId),
      first.retries.map((r) => r.deliveryId),
      'the delivery left retrying is handed on again',
    );
    const delay = again.retries[0]?.delayMs ?? -1;
    assert.ok(delay > 30_000 && delay <= 72_000, `keeps its schedule: ${delay} ms`);
  });

  it('delivers to a slice of 200 hooks and keeps their failure streaks in a few set-wise writes', async () => {
    const { owner, hooks } = await insertHooks('Page', 'unfollow', 200);
    const pageKey = await storeEvent(owner.id, 'evt_page', 'unfollow');
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(50),
    });
    const outcome = await onTry(1, () => activities.deliverToSubscribers({ event: { eventKey: pageKey } }));
    assert.equal(outcome.hooks, 200);
    assert.equal(outcome.next, undefined, 'having gone through every hook, it says so');
    assert.equal(outcome.succeeded, 180);
    assert.equal(outcome.retries.length, 20);
    // Records go in without mongoose's casting: what they leave out must be absent, as mongoose would store it.
    const stored = await models.Delivery.collection.findOne({ hookId: hooks[1]?._id });
    assert.ok(stored, 'the delivery is on record');
    assert.deepEqual(Object.keys(stored.attempts[0]).sort(), [
      'durationMs',
      'responseBody',
      'responseHeaders',
      'startedAt',
      'statusCode',
    ]);
    assert.ok(!('replayId' in stored) && !('replayOf' in stored) && !('failureReason' in stored));
    assert.ok(stored.createdAt instanceof Date && stored.attempts[0].startedAt instanceof Date);
    const streaks = await models.Hook.find(
      { _id: { $in: hooks.map((h) => h._id) } },
      { failureCount: 1, failingSince: 1 },
    ).lean();
    assert.equal(streaks.filter((h) => h.failureCount === 1 && h.failingSince).length, 20);
    assert.equal(streaks.filter((h) => h.failureCount === 0 && !h.failingSince).length, 180);
  });

  it('fails a hook whose secrets the master key cannot open at once, naming why, and still delivers the rest', async () => {
    const owner = await createOwner(models, { name: 'Rekeyed', email: 'rekeyed@example.test' });
    const hook = (id: string, sealedUnder: typeof secrets) => ({
      _id: id,
      ownerId: owner.id,
      name: id,
      events: ['follow'],
      target: { type: 'http', url: `${receiver.url}/up`, method: 'POST', headers: [] },
      signingSecrets: [
        { sealed: sealedUnder.seal('whsec_' + randomBytes(32).toString('base64')), createdAt: new Date() },
      ],
    });
    await models.Hook.insertMany([
      hook('hook_rekeyed_a', createSecretBox(randomBytes(32))),
      hook('hook_rekeyed_b', secrets),
    ]);
    const rekeyedKey = await storeEvent(owner.id, 'evt_rekeyed', 'follow');
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(4),
    });
    const outcome = await onTry(1, () => activities.deliverToSubscribers({ event: { eventKey: rekeyedKey } }));
    assert.equal(outcome.succeeded, 1);
    assert.equal(outcome.failed, 1);
    assert.equal(outcome.retries.length, 0, 'retrying cannot help until the key is restored');
    const failed = await models.Delivery.findOne({
      eventId: idOf('event', 'evt_rekeyed'),
      hookId: idOf('hook', 'hook_rekeyed_a'),
    }).lean();
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.attempts[0]?.errorKind, 'secret_unreadable');
    assert.match(failed?.failureReason ?? '', /HOOKFLOW_MASTER_KEY/);
  });

  it('a replay page retried sends nothing twice, and still hands on what it left retrying', async () => {
    const owner = await createOwner(models, { name: 'Replayer', email: 'replayer@example.test' });
    const caller = { kind: 'owner', ownerId: owner.id, keyId: idOf('apiKey', 'key_test') } as const;
    const deps = { models, secrets, allowPrivateTargets: true, deliveryDefaults: BUILT_IN_DELIVERY_SETTINGS };
    const hook = await createHook(deps, caller, {
      name: 'down',
      events: ['follow'],
      target: { type: 'http', url: `${receiver.url}/down`, method: 'POST', headers: {} },
      delivery: { retrySchedule: ['1m'] },
    });
    await storeEvent(owner.id, 'evt_replayed', 'follow');
    const original = {
      _id: idOf('delivery', 'dlv_original'),
      eventId: idOf('event', 'evt_replayed'),
      hookId: hook.id,
      ownerId: owner.id,
    };
    await models.Delivery.create({ ...original, status: 'failed', attempts: [] });
    await models.Replay.create({
      _id: idOf('replay', 'rpl_page'),
      ownerId: owner.id,
      kind: 'delivery',
      deliveryId: original._id,
      ratePerSecond: 10,
      total: 1,
    });
    const activities = createReplayActivities({
      models,
      attemptAndRecord: firstAttempts(4),
      replayRate: 10,
      // Counted, never scraped here (test/metrics.test.ts scrapes them).
      metrics: createWorkerMetrics({ countRetriesWaiting: () => Promise.resolve(0), onCountFailed: () => {} }),
    });
    const sentBefore = receiver.requests.length;
    const page = { replayId: idOf('replay', 'rpl_page'), limit: 10 };

    const first = await onTry(1, () => activities.replayPage(page));
    assert.equal(first.sent, 1);
    assert.equal(first.retries.length, 1);
    const again = await onTry(2, () => activities.replayPage(page));
    assert.equal(receiver.requests.length, sentBefore + 1, 'no request is sent twice');
    assert.equal(again.sent, 0);
    assert.deepEqual(
      again.retries.map((r) => r.deliveryId),
      first.retries.map((r) => r.deliveryId),
      'the delivery left retrying is handed on again',
    );
  });

  it('names one disabling per enabled spell of a hook, however many failures race to it', async () => {
    const owner = await createOwner(models, { name: 'Racer', email: 'racer@example.test' });
    const caller = { kind: 'owner', ownerId: owner.id, keyId: idOf('apiKey', 'key_test') } as const;
    const deps = { models, secrets, allowPrivateTargets: true, deliveryDefaults: BUILT_IN_DELIVERY_SETTINGS };
    const hook = await createHook(deps, caller, {
      name: 'racer',
      events: ['follow'],
      target: { type: 'http', url: `${receiver.url}/down`, method: 'POST', headers: {} },
    });
    const failure = {
      hookId: hook.id,
      disableAfter: { failures: 1, window: '0s' },
      failureCountBefore: 0,
      succeeded: false,
      operational: false,
    };
    const raced = async () =>
      (await Promise.all(Array.from({ length: 8 }, () => recordStreaks(models, [failure]))))
        .flatMap((verdicts) => verdicts.toDisable)
        .map((toDisable) => disableHookWorkflowId(toDisable.hookId, toDisable.spell));
    const first = await raced();
    assert.equal(first.length, 8, 'every racer sees the threshold crossed');
    assert.equal(new Set(first).size, 1, 'and names the same disabling workflow');
    await models.Hook.updateOne({ _id: hook.id }, { $inc: { enabledCount: 1 } });
    const afterEnable = await raced();
    assert.equal(new Set(afterEnable).size, 1);
    assert.notEqual(afterEnable[0], first[0], 'a hook turned back on can be disabled again');
  });

  it('a retried try carries on after its last heartbeat, sends nothing on record again, and hands on what was left retrying', async (t) => {
    const { owner } = await insertHooks('Resumed', 'unfollow', 650);
    const resumedKey = await storeEvent(owner.id, 'evt_resumed', 'unfollow');
    const event = await models.Event.findById(resumedKey).lean();
    assert.ok(event);
    const hooks = await models.Hook.find({ ownerId: owner.id }).sort({ _id: 1 }).lean();
    const attemptAndRecord = firstAttempts(50);
    const activities = createFanOutActivities({ models, attemptAndRecord });

    // The try that crashed recorded two slices, but only its heartbeat after the first reached Temporal.
    const crashed = await onTry(1, () =>
      attemptAndRecord(
        hooks
          .slice(0, 400)
          .map((hook) => ({ deliveryId: deliveryId(event.id, hook._id), event: eventView(event), hook })),
      ),
    );
    const heartbeated = hooks[199]?._id;
    assert.ok(heartbeated);
    const details: FanOutProgress = {
      next: heartbeated,
      outcome: {
        hooks: 200,
        succeeded: 180,
        failed: 0,
        parked: 0,
        paced: 0,
        skipped: 0,
        retries: crashed.retries.filter((retry) => retry.hookId <= heartbeated),
        failures: [],
        hooksToDisable: [],
      },
    };
    const sentBefore = receiver.requests.length;
    const lookups = t.mock.method(models.Delivery, 'find');
    const environment = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: details });
    let lastBeat: FanOutProgress | undefined;
    environment.on('heartbeat', (beat: FanOutProgress) => {
      lastBeat = beat;
    });
    const resumed: FanOutOutcome = await environment.run(() =>
      activities.deliverToSubscribers({ event: { eventKey: resumedKey } }),
    );

    assert.deepEqual(
      receiver.requests
        .slice(sentBefore)
        .map((request) => request.headers['webhook-id'])
        .sort(),
      hooks
        .slice(400)
        .map((hook) => deliveryId(event.id, hook._id))
        .sort(),
      'only what the crashed try had not recorded is sent',
    );
    assert.equal(
      lookups.mock.callCount(),
      1,
      'deliveries are looked up for the first batch only, which holds all on record',
    );
    assert.equal(resumed.hooks, 650);
    assert.equal(resumed.skipped, 200);
    assert.equal(resumed.succeeded, 180 + 225);
    assert.equal(resumed.next, undefined);
    assert.deepEqual(
      resumed.retries.map((retry) => retry.hookId).sort(),
      hooks.filter((_, i) => i % 10 === 0).map((hook) => hook._id),
      'each delivery left retrying is handed on once, those of the slice recorded after the heartbeat included',
    );
    assert.deepEqual(
      lastBeat,
      { next: hooks.at(-1)?._id, outcome: resumed },
      'the last heartbeat says where it stands',
    );
  });

  it('hands back the failures it gathered once they reach its cap, and carries on after them', async () => {
    const { owner, hooks } = await insertHooks('Capped', 'unfollow', 1_001);
    const cappedKey = await storeEvent(owner.id, 'evt_capped', 'unfollow');
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(50),
      failuresPerCall: 5,
    });
    const first = await onTry(1, () => activities.deliverToSubscribers({ event: { eventKey: cappedKey } }));
    assert.equal(first.hooks, 1_000, 'the batch (of a thousand hooks) that reached the cap is finished');
    assert.equal(first.retries.length, 100);
    assert.equal(first.next, hooks[999]?._id, 'it says where to carry on');
    const rest = await onTry(1, () =>
      activities.deliverToSubscribers({ event: { eventKey: cappedKey }, afterHookId: first.next }),
    );
    assert.deepEqual(
      rest.retries.map((retry) => retry.hookId),
      [hooks[1_000]?._id],
    );
    assert.equal(rest.next, undefined, 'having gone through every hook, it says so');
  });
  it('as a local activity, stops after its limit; run again from its first try (a lost workflow task), it re-sends only that slice, and its retry finds it on record', async () => {
    const { owner, hooks } = await insertHooks('Local', 'mention', 250);
    const localKey = await storeEvent(owner.id, 'evt_local', 'mention');
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(50),
    });
    const local = (attempt: number) =>
      onTry(attempt, () => activities.deliverFirstSlices({ events: [{ eventKey: localKey }], limit: 200 }), {
        isLocal: true,
      });
    const before = receiver.requests.length;

    const first = await local(1);
    assert.equal(first.hooks, 200);
    assert.deepEqual(first.carryOn, [{ index: 0, afterHookId: hooks[199]?._id }], 'the rest is left to the next call');
    assert.equal(receiver.requests.length - before, 200);

    // The worker died before the workflow task that ran it completed: the task runs again, and so does its
    // local activity, from its first try. It cannot record over what the first run recorded.
    await assert.rejects(local(1), (error: { code?: number }) => error.code === 11000);
    assert.equal(receiver.requests.length - before, 400, 'the one slice went out again');

    const retried = await local(2);
    assert.equal(receiver.requests.length - before, 400, 'the retry sends nothing');
    assert.equal(retried.skipped, 200);
    assert.equal(retried.retries.length, 20, 'what the first run left retrying is handed on');
    assert.deepEqual(retried.carryOn, first.carryOn);
    assert.equal(await models.Delivery.countDocuments({ eventId: idOf('event', 'evt_local') }), 200);
  });

  it('delivers a dispatch of ten events in one lookup of their hooks and one insert of their records', async (t) => {
    const { owner, hooks } = await insertHooks('Grouped', 'reaction', 5, () => false);
    const events = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        models.Event.create({
          _id: eventKey(owner.id, idOf('event', `evt_grouped_${i}`)),
          id: idOf('event', `evt_grouped_${i}`),
          type: 'reaction',
          ownerId: owner.id,
          data: { n: i },
        }),
      ),
    );
    const dispatched = events.map((event) => {
      const stored = event.toObject();
      return { eventKey: stored._id, content: { ...eventView(stored), createdAt: stored.createdAt.toISOString() } };
    });
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(50),
    });
    const eventReads = t.mock.method(models.Event, 'findById');
    const hookLookups = t.mock.method(models.Hook, 'find');
    const inserts = t.mock.method(models.Delivery, 'insertMany');
    const before = receiver.requests.length;

    const outcome = await onTry(1, () => activities.deliverFirstSlices({ events: dispatched, limit: 200 }), {
      isLocal: true,
    });

    assert.equal(outcome.hooks, 50);
    assert.equal(outcome.succeeded, 50);
    assert.equal(outcome.begun, 10);
    assert.deepEqual(outcome.carryOn, []);
    assert.deepEqual(
      receiver.requests
        .slice(before)
        .map((request) => request.headers['webhook-id'])
        .sort(),
      events.flatMap((event) => hooks.map((hook) => deliveryId(event.id, hook._id))).sort(),
      'each event reaches each hook once',
    );
    assert.equal(eventReads.mock.callCount(), 0, 'events that carry their content are not read back');
    assert.equal(hookLookups.mock.callCount(), 1, 'events of one type share their lookup of hooks');
    assert.equal(inserts.mock.callCount(), 1, 'the records of all ten go in together');
  });

  it('begins no more events than its limit allows, and says where each one it began carries on', async () => {
    const { owner, hooks } = await insertHooks('Bounded', 'renote', 150, () => false);
    const keys = await Promise.all([0, 1, 2].map((i) => storeEvent(owner.id, `evt_bounded_${i}`, 'renote')));
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(50),
    });
    const outcome = await onTry(
      1,
      () => activities.deliverFirstSlices({ events: keys.map((eventKey) => ({ eventKey })), limit: 200 }),
      { isLocal: true },
    );
    assert.equal(outcome.hooks, 200);
    assert.equal(outcome.begun, 2, 'the third event is left to the next call');
    assert.deepEqual(outcome.carryOn, [{ index: 1, afterHookId: hooks[49]?._id }]);
    assert.equal(await models.Delivery.countDocuments({ eventId: idOf('event', 'evt_bounded_1') }), 50);
  });

  it('passes over hooks whose filter does not take the event, and carries on after the last one it looked at', async () => {
    // Every even hook's filter wants a user the event does not have.
    const { owner, hooks } = await insertHooks(
      'Sifted',
      'note',
      250,
      () => false,
      (i) => (i % 2 === 0 ? { 'data.user.id': 'nobody' } : undefined),
    );
    const key = await storeEvent(owner.id, 'evt_sifted', 'note');
    const activities = createFanOutActivities({
      models,
      attemptAndRecord: firstAttempts(50),
    });
    // The first 101 hooks looked at (the limit and one more), 50 of them taking the event: room is left, but
    // hooks may follow the 101st.
    const first = await onTry(1, () => activities.deliverFirstSlices({ events: [{ eventKey: key }], limit: 100 }), {
      isLocal: true,
    });
    assert.deepEqual([first.hooks, first.succeeded, first.begun], [50, 50, 1]);
    assert.deepEqual(first.carryOn, [{ index: 0, afterHookId: hooks[100]?._id }]);
    const rest = await onTry(1, () =>
      activities.deliverToSubscribers({ event: { eventKey: key }, afterHookId: hooks[100]?._id }),
    );
    assert.deepEqual([rest.hooks, rest.succeeded, rest.next], [75, 75, undefined]);
    const recorded = await models.Delivery.find({ eventId: idOf('event', 'evt_sifted') }, { hookId: 1 }).lean();
    assert.deepEqual(
      recorded.map((delivery) => delivery.hookId).sort(),
      hooks.filter((_, i) => i % 2 === 1).map((hook) => hook._id),
      'one delivery for each hook without a filter, none for the others',
    );
  });

  it('names a hook failing once its streak reaches half its threshold, once per streak, never for operational events', async () => {
    const { hooks } = await insertHooks('Halfway', 'reaction', 2);
    const [ownId, opsId] = hooks.map((hook) => hook._id) as [HookId, HookId];
    const outcome = (hookId: HookId, succeeded: boolean, operational = false) => ({
      hookId,
      disableAfter: { failures: 4, window: '24h' },
      failureCountBefore: succeeded ? 1 : 0,
      succeeded,
      operational,
    });
    const failingAfter = async (outcomes: ReturnType<typeof outcome>[]) =>
      (await recordStreaks(models, outcomes)).failing.map((hook) => [hook.hookId, hook.failures]);

    assert.deepEqual(await failingAfter([outcome(ownId, false)]), [], 'one failure of four is not half');
    assert.deepEqual(await failingAfter([outcome(ownId, false)]), [[ownId, 2]], 'two are');
    const streak = await models.Hook.findById(ownId).lean();
    // As announceFailing marks a streak it announced.
    await models.Hook.updateOne({ _id: ownId }, { $set: { failingAnnouncedFor: streak?.failingSince } });
    assert.deepEqual(await failingAfter([outcome(ownId, false)]), [], 'a streak announced is not named again');
    await recordStreaks(models, [outcome(ownId, true)]);
    const ended = await models.Hook.findById(ownId).lean();
    assert.equal(ended?.failingAnnouncedFor, undefined, 'the mark goes with the streak');
    await failingAfter([outcome(ownId, false)]);
    assert.deepEqual(await failingAfter([outcome(ownId, false)]), [[ownId, 2]], 'a new streak is named again');

    await failingAfter([outcome(opsId, false, true), outcome(opsId, false, true)]);
    assert.equal((await models.Hook.findById(opsId).lean())?.failureCount, 2, "operational events' failures count");
    assert.deepEqual(await failingAfter([outcome(opsId, false, true)]), [], 'but never name the hook failing');
  });

  it('counts each failure of a hook that fails more than once in one call (several events of a dispatch)', async () => {
    const { hooks } = await insertHooks('Twice', 'reaction', 1);
    const hookId = hooks[0]?._id as HookId;
    const failure = {
      hookId,
      disableAfter: { failures: 2, window: '0s' },
      failureCountBefore: 0,
      succeeded: false,
      operational: false,
    };
    const { toDisable } = await recordStreaks(models, [failure, failure]);
    const hook = await models.Hook.findById(hookId).lean();
    assert.equal(hook?.failureCount, 2);
    assert.deepEqual(
      toDisable.map((h) => h.hookId),
      [hookId],
      'two failures reach a threshold of two',
    );
  });
});
