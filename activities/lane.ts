import { Context } from '@temporalio/activity';
import type { DeliveryId, HookId } from '../core/ids';
import { PacedStarts } from '../core/paced-starts';
import { isThrottled, pacingOf, recoveredRate, slowedRate } from '../core/pacing';
import type { Models } from '../infra/models';
import type { Hook } from '../infra/models/hook';
import { dueAt, nextInLane, type LaneDelivery } from '../records/lane-deliveries';
import { keepHeartbeating } from './heartbeat';
import { closeLane } from './lane-closing';
import type { LanePace, LaneTurn } from './lane-turn';
import { createOrderedLane } from './ordered-lane';
import type { LaterAttempts } from './later-attempts';
import { throttledUntilOf } from './throttling';

/** Deliveries a lane reads at a time without a rate; with one, a second's worth. */
const BATCH_WITHOUT_RATE = 200;

/**
 * How long one turn sends: reading the next deliveries while earlier ones are
 * in flight, so that a slow receiver does not slow the rate (a turn that waited
 * for all its sends before the next would lose their latency every second).
 */
const TURN_MS = 10_000;

type StoredHook = Hook & { _id: string };
type StoredEvent = Awaited<ReturnType<LaterAttempts['eventOf']>>;

/**
 * A hook's lane (workflows/hook-lane.ts) sends its deliveries through these:
 * the only sender of a paced hook's deliveries (core/pacing.ts), so its rate
 * and in-flight bound hold whatever fan-outs, retries and replays run.
 */
export function createLaneActivities({
  models,
  laterAttempts,
  concurrency,
}: {
  models: Models;
  laterAttempts: LaterAttempts;
  /** Sends at once for a hook without its own bound. */
  concurrency: number;
}) {
  const orderedTurn = createOrderedLane({ models, laterAttempts });

  return {
    /**
     * One turn of a hook's lane: for up to 10 s, sends the deliveries due,
     * oldest first, read a second's worth at a time (at its rate) while
     * earlier ones are in flight: evenly spaced, carrying on the last turn's
     * spacing, at most its in-flight bound at once, each recorded with what
     * comes next on its retry schedule. A Retry-After (429, 503) holds the
     * whole hook back and ends the turn; a 429 lowers the lane's rate for a
     * while. Answers when the lane's next delivery may go.
     */
    async laneTurn(input: { hookId: HookId; orderingKey?: string; pace: LanePace }): Promise<LaneTurn> {
      const { orderingKey } = input;
      if (orderingKey !== undefined) return orderedTurn({ ...input, orderingKey });
      const { taskQueue } = Context.current().info;
      const found = await models.Hook.findById(input.hookId).lean();
      if (!found || found.status !== 'enabled') {
        await closeLane(models, { hookId: input.hookId }, found);
        return { stop: true, pace: input.pace, sent: 0 };
      }
      let hook = found;
      const startedAt = Date.now();
      if (isThrottled(hook, startedAt)) {
        return { stop: false, held: true, wakeAt: hook.throttledUntil?.getTime(), pace: input.pace, sent: 0 };
      }
      const pacing = pacingOf(hook);
      const hookRate = pacing.perSecond;
      let rate = hookRate && Math.min(input.pace.perSecond ?? hookRate, hookRate);
      let rateSetAt = startedAt;
      const batch = rate ? Math.ceil(rate) : BATCH_WITHOUT_RATE;
      const starts = new PacedStarts({
        intervalMs: rate ? 1000 / rate : 0,
        inFlight: pacing.maxInFlight ?? concurrency,
        notBefore: input.pace.notBefore,
      });
      const setRate = (next: number) => {
        rate = next;
        rateSetAt = Date.now();
        starts.intervalMs = 1000 / next;
      };
      /** In flight, and when each finished: a read that began before one finished may still show it due. */
      const sending = new Set<DeliveryId>();
      const finishedAt = new Map<DeliveryId, number>();
      let throttledUntil: number | undefined;
      let slowedAt = 0;
      const holdBack = () => throttledUntil !== undefined || starts.failed || Date.now() >= startedAt + TURN_MS;

      async function send(delivery: LaneDelivery, to: StoredHook, event: StoredEvent): Promise<void> {
        try {
          const { result } = await laterAttempts.sendAgain(delivery, to, event, taskQueue);
          if (!result) return;
          // Several sends in flight may all get a 429 for the same overload: one halving a second.
          if (rate && result.attempt.statusCode === 429 && Date.now() - slowedAt >= 1000) {
            slowedAt = Date.now();
            setRate(slowedRate(rate));
          }
          const until = throttledUntilOf(result, Date.now());
          if (until !== undefined) throttledUntil = Math.max(until, throttledUntil ?? 0);
        } finally {
          sending.delete(delivery._id);
          finishedAt.set(delivery._id, Date.now());
        }
      }

      await keepHeartbeating(async () => {
        while (!holdBack()) {
          const readAt = Date.now();
          const busy = new Set(sending);
          const due = (await nextInLane(models, input.hookId, batch + busy.size))
            .filter((d) => !busy.has(d._id) && (finishedAt.get(d._id) ?? 0) < readAt && dueAt(d) <= readAt)
            .slice(0, batch);
          if (due.length === 0) break;
          // Read before their turns: what is paced is the request, not a read of the store before it.
          const events = await Promise.all(due.map((delivery) => laterAttempts.eventOf(delivery)));
          for (const [i, delivery] of due.entries()) {
            await starts.turn();
            if (holdBack()) break;
            sending.add(delivery._id);
            const to = hook;
            const event = events[i] ?? null;
            starts.start(() => send(delivery, to, event));
          }
          if (rate && hookRate && rate < hookRate) setRate(recoveredRate(rate, hookRate, Date.now() - rateSetAt));
          // Switched off meanwhile, the hook gets no more sends; the next turn parks what the lane holds.
          const current = await models.Hook.findById(input.hookId).lean();
          if (!current || current.status !== 'enabled') break;
          hook = current;
        }
        await starts.finish();
      });
      const pace: LanePace = {
        notBefore: starts.notBefore,
        ...(rate && hookRate && rate < hookRate ? { perSecond: rate } : {}),
      };
      if (throttledUntil !== undefined) return { stop: false, wakeAt: throttledUntil, pace, sent: starts.started };
      // Due now or earlier (more came, or the turn ran its length): at once.
      const [next] = await nextInLane(models, input.hookId, 1);
      return { stop: false, ...(next ? { wakeAt: dueAt(next) } : {}), pace, sent: starts.started };
    },
  };
}
