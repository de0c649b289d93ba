import { mapWithConcurrency } from '../core/concurrency';
import { deliveryId, type DeliveryId, type EventId, type HookId, type OwnerId, type ReplayId } from '../core/ids';
import type { Models } from '../infra/models';
import type { Hook } from '../infra/models/hook';
import { isPaced } from '../core/pacing';
import { isOrdered, orderingKeyOf, sequenceOf } from '../core/ordering';
import type { LaneAddress } from '../shared/temporal-names';
import { firstAttemptRecord, heldStep, LANE_STEP, parkedStep } from './delivery-records';
import type { HostBreaker } from './host-breaker';
import { keepHeartbeating } from './heartbeat';
import { recordStreaks, type HookToDisable } from './failure-streak';
import { isOperational } from '../core/operational-events';
import type { AnnounceFailing } from './operational-events';
import type { HookSender } from './hook-sender';
import { laneOf, type HandToLanes } from './lane-hand-off';
import { throttleHooksAsked } from './throttling';
import { nextStep, type NextStep } from './retry-plan';
import type { AttemptResult, DeliveryEvent } from '../targets/contract';
import type { DeliverySettings } from '../core/delivery-settings';
import type { RecordedStep, TellWatchers } from './attempt-watchers';
import { deliverySummary } from './delivery-summary';

/** Deliveries recorded together: a crash re-sends at most two such slices that had already gone out (pipelined). */
const RECORD_SLICE = 200;

/** A delivery handed on to a workflow of its own, with what its Web UI page says of it. */
interface DeliveryHandOff {
  deliveryId: DeliveryId;
  hookId: HookId;
  ownerId: OwnerId;
  eventType: string;
  /** The workflow's summary (activities/delivery-summary.ts). */
  summary: string;
}

/** A failure worth another try, for its own retry workflow. */
export interface RetryHandOff extends DeliveryHandOff {
  delayMs: number;
  /** What the attempt came to, for the workflow's details; absent when a retried try finds it on record. */
  lastError?: string;
}

/**
 * A delivery that failed for good outside a retry workflow (on its first
 * attempt, in a lane, on its resumed attempt), for the workflow that puts it
 * on record in the Web UI (workflows/failed-delivery.ts).
 */
export interface FailureHandOff extends DeliveryHandOff {
  failureReason: string;
}

/** One delivery to make for the first time: which event to which hook, under which id. */
export interface FirstAttempt {
  deliveryId: DeliveryId;
  event: DeliveryEvent;
  hook: Hook & { _id: string };
  /** For a replay: the replay it belongs to, and the delivery it does again. */
  replay?: { replayId: ReplayId; replayOf?: DeliveryId };
  /** The event's place in the order events were accepted (core/ordering.ts), when the caller has it. */
  sequence?: number;
}

export interface FirstAttemptsOutcome {
  succeeded: number;
  failed: number;
  /** Kept, paused, for hooks that are parking while off. */
  parked: number;
  /** Left pending for their lanes (paced hooks, core/pacing.ts; ordered ones, core/ordering.ts). */
  paced: number;
  retries: RetryHandOff[];
  failures: FailureHandOff[];
  /** Hooks past their failure threshold, or gone (410). */
  hooksToDisable: HookToDisable[];
}

/** What a delivering call hands on to other workflows: retries, final failures, hooks to disable (handOnFailures). */
export type HandOffs = Pick<FirstAttemptsOutcome, 'retries' | 'failures' | 'hooksToDisable'>;

const NO_OUTCOME = { succeeded: 0, failed: 0, parked: 0, paced: 0 };

/** A delivery of a slice and where it goes next; `sent` unless it was parked or left to its lane. */
interface SliceResult {
  item: FirstAttempt;
  step: NextStep;
  sent?: { settings: DeliverySettings; result: AttemptResult };
}

/** What a retried try reads of the deliveries an earlier one recorded. */
interface OnRecord {
  _id: DeliveryId;
  hookId: HookId;
  status: string;
  nextAttemptAt?: Date | null;
  failureReason?: string | null;
  inLane?: boolean | null;
  orderingKey?: string | null;
}

/** What the hand-offs of a delivery read of its first attempt. */
type Attempted = Pick<FirstAttempt, 'deliveryId' | 'event' | 'hook'>;

function handOffOf({ deliveryId, event, hook }: Attempted): DeliveryHandOff {
  return {
    deliveryId,
    hookId: hook._id,
    ownerId: event.ownerId,
    eventType: event.type,
    summary: deliverySummary(hook, event.type),
  };
}

/**
 * What an earlier try of an activity left retrying or failed, for their
 * workflows once more (starting one again is harmless): a try may die between
 * recording its deliveries and handing them on. A lane's retrying deliveries
 * have no retry workflow.
 */
export function handOffsLeftOnRecord<R extends OnRecord>(
  records: R[],
  attemptOf: (record: R) => Attempted | undefined,
): Omit<HandOffs, 'hooksToDisable'> {
  const left: Omit<HandOffs, 'hooksToDisable'> = { retries: [], failures: [] };
  for (const record of records) {
    const attempted = attemptOf(record);
    if (!attempted) continue;
    if (record.status === 'retrying' && !laneOf(record)) {
      const delayMs = Math.max(0, (record.nextAttemptAt?.getTime() ?? 0) - Date.now());
      left.retries.push({ ...handOffOf(attempted), delayMs });
    } else if (record.status === 'failed') {
      left.failures.push({ ...handOffOf(attempted), failureReason: record.failureReason ?? 'Failed' });
    }
  }
  return left;
}

/**
 * The lanes an earlier try may not have told of the deliveries it left
 * pending for them (it may have died between recording and signalling):
 * told again, which is harmless.
 */
export function lanesLeftOnRecord(records: readonly OnRecord[]): LaneAddress[] {
  return records.flatMap((record) => {
    const lane = record.status === 'pending' ? laneOf(record) : undefined;
    return lane ? [lane] : [];
  });
}

/**
 * The records among these delivery ids that an earlier try made, within one
 * event's deliveries or one replay's: an equality FerretDB hands to its store
 * (it evaluates `$in` itself, on every row it reads). Served by the _id index
 * on MongoDB.
 */
function recordedDeliveriesFilter(within: { eventId: EventId } | { replayId: ReplayId }, ids: readonly DeliveryId[]) {
  return { ...within, _id: { $in: [...ids] } };
}

/**
 * The deliveries among these that an earlier try recorded (only a retried try
 * can find any), with what retriesLeftOnRecord reads: within one event's
 * deliveries or one replay's (see recordedDeliveriesFilter).
 */
export function recordedAmong(
  models: Models,
  within: { eventId: EventId } | { replayId: ReplayId },
  deliveryIds: readonly DeliveryId[],
) {
  return models.Delivery.find(recordedDeliveriesFilter(within, deliveryIds), {
    _id: 1,
    eventId: 1,
    hookId: 1,
    status: 1,
    nextAttemptAt: 1,
    failureReason: 1,
    inLane: 1,
    orderingKey: 1,
  }).lean();
}

/** An ordered hook's delivery carries its event's key and place in order, whatever its status (parked ones too). */
function orderingOf(item: FirstAttempt) {
  if (!isOrdered(item.hook)) return undefined;
  return { orderingKey: orderingKeyOf(item.event), sequence: item.sequence ?? sequenceOf(item.event) };
}

/** A first attempt's step, as the watchers hear of it. */
function recordedStep({ item, step, sent }: SliceResult, recordedAt: number): RecordedStep {
  return {
    deliveryId: item.deliveryId,
    eventId: item.event.id,
    hookId: item.hook._id,
    ownerId: item.event.ownerId,
    eventType: item.event.type,
    targetType: item.hook.target.type,
    step,
    ...(sent ? { result: sent.result } : {}),
    attemptsMade: sent ? 1 : 0,
    recordedAt,
  };
}

function slices<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * Makes deliveries for the first time and records them: sends with bounded
 * concurrency, inserts the records a slice at a time (nothing can be on record
 * for a first attempt yet), keeps the hooks' failure streaks. Fan-out and
 * replays both deliver through here. Runs inside an activity, which it keeps
 * heartbeating (or leaves to the caller's heartbeat, when there is one).
 */
export function createFirstAttempts({
  models,
  sender,
  hostBreaker,
  concurrency,
  handToLanes,
  tellWatchers,
  announceFailing,
}: {
  models: Models;
  sender: HookSender;
  hostBreaker: HostBreaker;
  /** How many deliveries run at once. */
  concurrency: number;
  handToLanes: HandToLanes;
  /** Tells of hooks whose streak passed half their threshold (activities/operational-events.ts). */
  announceFailing: AnnounceFailing;
  /** Hears of each slice once it is on record (activities/attempt-watchers.ts). */
  tellWatchers: TellWatchers;
}) {
  /**
   * Sends one slice with at most `inFlight` at once, in order when that is one.
   * A delivery for a hook that is parking is not sent: it is kept, paused. Nor
   * is one for an ordered or a paced hook: it is left pending, for its key's
   * lane or its hook's. One to a host the breaker paused waits, retrying, for
   * the pause to end.
   */
  function sendSlice(slice: readonly FirstAttempt[], inFlight: number) {
    const now = new Date();
    return mapWithConcurrency(slice, inFlight, async (item): Promise<SliceResult> => {
      if (item.hook.status === 'parking') return { item, step: parkedStep(item.hook) };
      if (isOrdered(item.hook) || isPaced(item.hook, now.getTime())) return { item, step: LANE_STEP };
      const targetHost = sender.hostOf(item.hook);
      const heldUntil = hostBreaker.pausedUntil(targetHost);
      if (targetHost && heldUntil) return { item, step: heldStep(targetHost, heldUntil, now.getTime()) };
      const settings = sender.settingsOf(item.hook);
      // A replay's delivery is a new record, but the same message to its receiver (Standard Webhooks).
      const messageId = deliveryId(item.event.id, item.hook._id);
      const result = await sender.send(item.hook, messageId, item.event, now);
      hostBreaker.noteOutcome(targetHost, result.outcome);
      return { item, step: nextStep(result, settings, 1), sent: { settings, result } };
    });
  }

  /** Records one sent slice and keeps its hooks' failure streaks. */
  async function recordSlice(results: readonly SliceResult[]): Promise<FirstAttemptsOutcome> {
    const recordedAt = Date.now();
    await models.Delivery.insertMany(
      results.map(({ item, step, sent }) =>
        firstAttemptRecord(
          {
            deliveryId: item.deliveryId,
            eventId: item.event.id,
            eventType: item.event.type,
            hookId: item.hook._id,
            ownerId: item.event.ownerId,
            ...item.replay,
            ...orderingOf(item),
          },
          step,
          sent?.result.attempt,
          recordedAt,
        ),
      ),
      // Skipping mongoose's casting and validation of every record halves the worker's CPU per delivery
      // (measured with `npm run bench -- fanout`); firstAttemptRecord builds whole, typed records.
      { ordered: false, lean: true },
    );
    // Once on record, so that a lane that takes the signal finds them; once per lane per slice.
    const laned = results
      .filter(({ step }) => step.status === 'pending')
      .map(({ item }): LaneAddress => {
        const ordering = orderingOf(item);
        return ordering ? { hookId: item.hook._id, orderingKey: ordering.orderingKey } : { hookId: item.hook._id };
      });
    if (laned.length > 0) await handToLanes(laned);
    const sentResults = results.flatMap(({ item, sent }) =>
      sent ? [{ hookId: item.hook._id, result: sent.result }] : [],
    );
    await throttleHooksAsked(models, sentResults, recordedAt);
    const { toDisable: hooksToDisable, failing } = await recordStreaks(
      models,
      results.flatMap(({ item, step, sent }) =>
        sent
          ? [
              {
                hookId: item.hook._id,
                disableAfter: sent.settings.disableAfter,
                failureCountBefore: item.hook.failureCount,
                succeeded: step.status === 'succeeded',
                disableHook: sent.result.disableHook,
                operational: isOperational(item.event.type),
              },
            ]
          : [],
      ),
    );
    await announceFailing(failing);
    await tellWatchers(results.map((result) => recordedStep(result, recordedAt)));
    const outcome: FirstAttemptsOutcome = { ...NO_OUTCOME, retries: [], failures: [], hooksToDisable };
    for (const { item, step } of results) {
      if (step.status === 'succeeded') outcome.succeeded++;
      else if (step.status === 'paused') outcome.parked++;
      else if (step.status === 'pending') outcome.paced++;
      else if (step.status === 'failed') {
        outcome.failed++;
        outcome.failures.push({ ...handOffOf(item), failureReason: step.failureReason ?? 'Failed' });
      } else if (step.status === 'retrying') {
        outcome.retries.push({
          ...handOffOf(item),
          delayMs: step.delayMs ?? 0,
          ...(step.lastError ? { lastError: step.lastError } : {}),
        });
      }
    }
    return outcome;
  }

  /**
   * Slices are pipelined: while one is being recorded the next is sent, so
   * the worker and the database work at once (measured with `npm run bench --
   * fanout`). A crash therefore re-sends at most two slices. `onSliceRecorded`
   * hears of each slice once it is on record, in order. `inOrder` sends one
   * at a time, in the order given (a recovery: its receiver sees the
   * deliveries in the order they were first made). `lanesOnRecord` are the
   * hooks whose lanes to tell again of what an earlier try left pending for them.
   */
  return function attemptAndRecord(
    items: readonly FirstAttempt[],
    options: {
      onSliceRecorded?: (outcome: FirstAttemptsOutcome, slice: readonly FirstAttempt[]) => void;
      inOrder?: boolean;
      lanesOnRecord?: readonly LaneAddress[];
    } = {},
  ): Promise<FirstAttemptsOutcome> {
    const inFlight = options.inOrder ? 1 : concurrency;
    return keepHeartbeating(async () => {
      if (options.lanesOnRecord?.length) await handToLanes(options.lanesOnRecord);
      const total: FirstAttemptsOutcome = { ...NO_OUTCOME, retries: [], failures: [], hooksToDisable: [] };
      let recording: Promise<void> = Promise.resolve();
      for (const slice of slices(items, RECORD_SLICE)) {
        const results = await sendSlice(slice, inFlight);
        await recording;
        recording = recordSlice(results).then((outcome) => {
          total.succeeded += outcome.succeeded;
          total.failed += outcome.failed;
          total.parked += outcome.parked;
          total.paced += outcome.paced;
          total.retries.push(...outcome.retries);
          total.failures.push(...outcome.failures);
          total.hooksToDisable.push(...outcome.hooksToDisable);
          options.onSliceRecorded?.(outcome, slice);
        });
        // Awaited with the next slice or at the end; until then a failure must not count as unhandled.
        recording.catch(() => undefined);
      }
      await recording;
      return total;
    });
  };
}

export type AttemptAndRecord = ReturnType<typeof createFirstAttempts>;
