import { Context, log } from '@temporalio/activity';
import { sequenceOf } from '../core/ordering';
import { eventView } from '../core/stored-events';
import { durationMs } from '../core/durations';
import {
  deliveryId,
  eventKey,
  idOf,
  replayDeliveryId,
  replayIdFor,
  type DeliveryId,
  type EventId,
  type ReplayId,
  type ReplayScheduleId,
} from '../core/ids';
import type { Models } from '../infra/models';
import type { WorkerMetrics } from '../infra/metrics/worker-metrics';
import type { Hook } from '../infra/models/hook';
import type { Replay } from '../infra/models/replay';
import { countReplayItems, eventReplayHooksFilter, eventReplayTakers, recoveryFilter } from '../records/replay-items';
import { recordReplay } from '../records/replay-records';
import {
  handOffsLeftOnRecord,
  lanesLeftOnRecord,
  recordedAmong,
  type AttemptAndRecord,
  type FirstAttempt,
  type HandOffs,
} from './first-attempts';

type StoredReplay = Replay & { _id: string };
type StoredHook = Hook & { _id: string };

/** What a replay's log lines say of it: which replay, whose, of what, how big. */
function replayLogFields(replay: StoredReplay) {
  return {
    replayId: replay._id,
    ownerId: replay.ownerId,
    kind: replay.kind,
    status: replay.status,
    total: replay.total,
    ...(replay.hookId ? { hookId: replay.hookId } : {}),
    ...(replay.eventId ? { eventId: replay.eventId } : {}),
    ...(replay.deliveryId ? { deliveryId: replay.deliveryId } : {}),
  };
}

export interface ReplayPageOutcome extends HandOffs {
  /** Pass back for the next page; absent on the last one. */
  next?: string;
  sent: number;
}

/** What to deliver again: an event to a hook, and the delivery it does again when there is one. */
interface ReplayItem {
  /** The producer's id, within the replay's owner. */
  eventId: EventId;
  hook: StoredHook;
  replayOf?: DeliveryId;
}

const NOTHING: ReplayPageOutcome = { sent: 0, retries: [], failures: [], hooksToDisable: [] };

export function createReplayActivities({
  models,
  attemptAndRecord,
  replayRate,
  metrics,
}: {
  models: Models;
  attemptAndRecord: AttemptAndRecord;
  /** The most deliveries a second a replay may send. */
  replayRate: number;
  metrics: Pick<WorkerMetrics, 'replayDeliveries' | 'replaysFinished'>;
}) {
  const { Delivery, Event, Hook } = models;

  /** An event replay's page: its hooks after the cursor, in id order, those whose filter takes the event. */
  async function eventItems(replay: StoredReplay, cursor: string | undefined, limit: number) {
    const event = replay.eventId && (await Event.findById(eventKey(replay.ownerId, replay.eventId)).lean());
    if (!event) return { items: [] };
    const filter = await eventReplayHooksFilter(models, replay, event);
    // An event replay's cursor is the last hook id of the page before.
    const hooks = await Hook.find({ ...filter, $and: [cursor ? { _id: { $gt: idOf('hook', cursor) } } : {}] })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean();
    const page = hooks.slice(0, limit);
    const taking = eventReplayTakers(page, event);
    const originals = new Set(
      await Delivery.distinct('hookId', {
        eventId: event.id,
        replayId: null,
        hookId: { $in: taking.map((h) => h._id) },
      }),
    );
    return {
      items: taking.map((hook) => ({
        eventId: event.id,
        hook,
        replayOf: originals.has(hook._id) ? deliveryId(event.id, hook._id) : undefined,
      })),
      next: hooks.length > limit ? page.at(-1)?._id : undefined,
    };
  }

  /** A recovery's page: the hook's missed deliveries after the cursor, oldest first. */
  async function recoveryItems(replay: StoredReplay, cursor: string | undefined, limit: number) {
    const hook = await Hook.findById(replay.hookId).lean();
    if (!hook) return { items: [] };
    // A recovery's cursor is `<createdAt ms>:<delivery id>` of the page's last delivery.
    const [at, id] = cursor
      ? [new Date(Number(cursor.split(':')[0])), cursor.split(':')[1] as DeliveryId | undefined]
      : [];
    const after = at ? { $or: [{ createdAt: { $gt: at } }, { createdAt: at, _id: { $gt: id } }] } : {};
    const found = await Delivery.find(
      { ...recoveryFilter(replay), $and: [after] },
      { _id: 1, eventId: 1, createdAt: 1 },
    )
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit + 1)
      .lean();
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((delivery) => ({ eventId: delivery.eventId, hook, replayOf: delivery._id })),
      next: found.length > limit && last ? `${last.createdAt.getTime()}:${last._id}` : undefined,
    };
  }

  async function itemsOf(
    replay: StoredReplay,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: ReplayItem[]; next?: string }> {
    switch (replay.kind) {
      case 'delivery': {
        if (cursor) return { items: [] };
        const original = await Delivery.findById(replay.deliveryId).lean();
        const hook = original && (await Hook.findById(original.hookId).lean());
        return { items: original && hook ? [{ eventId: original.eventId, hook, replayOf: original._id }] : [] };
      }
      case 'event':
        return eventItems(replay, cursor, limit);
      case 'recovery':
        return recoveryItems(replay, cursor, limit);
    }
  }

  /**
   * Marks what the replay does again, so that no recovery sends it once more.
   * A recovery claims: it passes over a delivery another replay claimed, or
   * one whose status changed since (the hook's resume took a paused one).
   * A replay of a delivery or an event supersedes every delivery of that
   * event to that hook still standing (the {eventId, hookId} index).
   */
  async function claimOriginals(replay: StoredReplay, items: ReplayItem[]): Promise<ReplayItem[]> {
    const claimed: ReplayItem[] = [];
    for (const item of items) {
      if (!item.replayOf) {
        claimed.push(item);
        continue;
      }
      const supersededBy = replayDeliveryId(replay._id, item.eventId, item.hook._id);
      const onlyIfStill =
        replay.kind === 'recovery'
          ? {
              status: { $in: replay.statuses ?? [] },
              $or: [{ supersededBy: null }, { supersededByReplay: replay._id }],
            }
          : {};
      const superseded = { $set: { supersededBy, supersededByReplay: replay._id } };
      const marked = await Delivery.updateOne({ _id: item.replayOf, ...onlyIfStill }, superseded, {
        timestamps: false,
      });
      if (replay.kind !== 'recovery') {
        // What an earlier replay made for the same event and hook stands no more either: one delivery of an event
        // to a hook is left for a recovery to find, which would otherwise make two deliveries under one id.
        await Delivery.updateMany(
          // The original was just marked; this replay's own delivery may stand from a retried page.
          {
            eventId: item.eventId,
            hookId: item.hook._id,
            supersededBy: null,
            _id: { $nin: [item.replayOf, supersededBy] },
          },
          superseded,
          { timestamps: false },
        );
      }
      if (marked.matchedCount === 1 || replay.kind !== 'recovery') claimed.push(item);
    }
    return claimed;
  }

  return {
    /**
     * Delivers one page of a replay again, as new deliveries linked to the
     * replay and to what they do again. Safe to retry: a retried page finds
     * its items again and skips those already on record.
     */
    async replayPage(input: { replayId: ReplayId; cursor?: string; limit: number }): Promise<ReplayPageOutcome> {
      const replay = await models.Replay.findById(input.replayId).lean();
      if (!replay || replay.status !== 'running') return NOTHING;
      const { items, next } = await itemsOf(replay, input.cursor, input.limit);
      const claimed = await claimOriginals(replay, items);
      const ids = claimed.map((item) => replayDeliveryId(replay._id, item.eventId, item.hook._id));
      // Only a retry of this page can find its deliveries on record: they stand, and are not sent again.
      const onRecord =
        Context.current().info.attempt > 1 ? await recordedAmong(models, { replayId: replay._id }, ids) : [];
      const recorded = new Set(onRecord.map((delivery) => delivery._id));
      // Every item of a replay is an event of the replay's owner.
      const keys = [...new Set(claimed.map((item) => eventKey(replay.ownerId, item.eventId)))];
      const stored = await Event.find({ _id: { $in: keys } }).lean();
      const events = new Map(stored.map((e) => [e.id, eventView(e)]));
      const sequences = new Map(stored.map((e) => [e.id, sequenceOf(e)]));
      const replayed: FirstAttempt[] = claimed.flatMap((item, index) => {
        const event = events.get(item.eventId);
        const id = ids[index] as DeliveryId;
        if (!event) return [];
        const replayOf = { replayId: replay._id, replayOf: item.replayOf };
        return [{ deliveryId: id, event, hook: item.hook, replay: replayOf, sequence: sequences.get(item.eventId) }];
      });
      const attemptOf = new Map(replayed.map((attempt) => [attempt.deliveryId, attempt]));
      const left = handOffsLeftOnRecord(onRecord, (record) => attemptOf.get(record._id));
      const attempts = replayed.filter((attempt) => !recorded.has(attempt.deliveryId));
      // A recovery's deliveries are one hook's, oldest first: sent one at a time, its receiver gets them in
      // the order they were first made (sent together, they arrive in the order their sends happen to finish).
      const outcome = await attemptAndRecord(attempts, {
        inOrder: replay.kind === 'recovery',
        lanesOnRecord: lanesLeftOnRecord(onRecord),
      });
      metrics.replayDeliveries.inc({ kind: replay.kind }, attempts.length);
      return {
        next,
        sent: attempts.length,
        retries: [...left.retries, ...outcome.retries],
        failures: [...left.failures, ...outcome.failures],
        hooksToDisable: outcome.hooksToDisable,
      };
    },

    /**
     * The recoveries one tick of a replay schedule runs: one per hook with
     * something to send in the window before the tick, under ids derived from
     * the tick, so that a retried call makes no second one. Disabled hooks
     * are passed over: a schedule never turns a hook back on.
     */
    async prepareScheduledRecoveries(input: { scheduleId: ReplayScheduleId; at: string }) {
      const schedule = await models.ReplaySchedule.findById(input.scheduleId).lean();
      if (!schedule) return [];
      const at = new Date(input.at);
      const hooks = await Hook.find(
        { ownerId: schedule.ownerId, status: 'enabled', ...(schedule.hookId ? { _id: schedule.hookId } : {}) },
        { _id: 1 },
      ).lean();
      const recoveries: { replayId: ReplayId; ratePerSecond: number }[] = [];
      for (const hook of hooks) {
        const id = replayIdFor(schedule.ownerId, `schedule:${schedule._id}:${hook._id}:${input.at}`);
        const scope = {
          kind: 'recovery' as const,
          ownerId: schedule.ownerId,
          hookId: hook._id,
          since: new Date(at.getTime() - durationMs(schedule.window)),
          until: at,
          statuses: schedule.statuses,
          ratePerSecond: schedule.ratePerSecond,
        };
        if ((await countReplayItems(models, { ...scope, _id: id })) === 0) continue;
        const { stored } = await recordReplay({ models, replayRate }, id, scope);
        recoveries.push({ replayId: stored._id, ratePerSecond: stored.ratePerSecond });
      }
      return recoveries;
    },

    /** Closes the replay; a cancelled one also stops the retries of the deliveries it made. */
    async finishReplay(input: { replayId: ReplayId; status: 'completed' | 'cancelled' }): Promise<void> {
      const finished = await models.Replay.findOneAndUpdate(
        { _id: input.replayId, status: 'running' },
        { $set: { status: input.status, finishedAt: new Date() } },
        { returnDocument: 'after' },
      ).lean();
      if (finished) {
        metrics.replaysFinished.inc({ kind: finished.kind, status: input.status });
        log.info('Replay finished', replayLogFields(finished));
      }
      if (input.status !== 'cancelled') return;
      await Delivery.updateMany(
        { replayId: input.replayId, status: 'retrying' },
        { $set: { status: 'cancelled', failureReason: 'The replay was cancelled' }, $unset: { nextAttemptAt: 1 } },
      );
    },
  };
}
