import { Context } from '@temporalio/activity';
import type { HookId } from '../core/ids';
import { startPaced } from '../core/paced-starts';
import { isThrottled, pacingOf, rateAfterTurn } from '../core/pacing';
import type { Models } from '../infra/models';
import type { Hook } from '../infra/models/hook';
import { dueAt, laneDeliveriesOf, nextInLane, OPEN_IN_LANE } from '../records/lane-deliveries';
import { parkedStep } from './delivery-records';
import { keepHeartbeating } from './heartbeat';
import type { LaterAttempts } from './later-attempts';
import type { NextStep } from './retry-plan';
import { throttledUntilOf } from './throttling';

/** What a lane's turn takes of its hook's deliveries without a rate: a second's worth of work on a fast receiver. */
const TURN_WITHOUT_RATE = 200;

/** How a lane stands between turns: carried by the lane workflow, across continue-as-new too. */
export interface LanePace {
  /** Epoch ms before which the next send may not start: the spacing goes on from one turn to the next. */
  notBefore: number;
  /** The rate in force when a 429 lowered it below the hook's; absent at the hook's own. */
  perSecond?: number;
}

export interface LaneTurn {
  /** The hook is off or gone: what the lane held is parked or cancelled, and the lane stops. */
  stop: boolean;
  /** When the lane's next delivery may go (now or earlier: at once); absent when it holds none. */
  wakeAt?: number;
  pace: LanePace;
  /** Deliveries sent in this turn. */
  sent: number;
}

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
  /** A hook off or gone: its lane's deliveries are kept, paused, for its return, or cancelled with it. */
  async function closeLane(hookId: HookId, hook: Pick<Hook, 'disabledReason'> | null): Promise<void> {
    const step: NextStep = hook ? parkedStep(hook) : { status: 'cancelled', failureReason: 'The hook was deleted' };
    for (const status of OPEN_IN_LANE) {
      await models.Delivery.updateMany(laneDeliveriesOf(hookId, status), {
        $set: { status: step.status, failureReason: step.failureReason },
        $unset: { nextAttemptAt: 1 },
      });
    }
  }

  return {
    /**
     * One turn of a hook's lane: sends the deliveries due now, about a
     * second's worth at its rate (evenly spaced, carrying on the last turn's
     * spacing), at most its in-flight bound at once, each recorded with what
     * comes next on its retry schedule. A Retry-After (429, 503) holds the
     * whole hook back; a 429 lowers the lane's rate for a while. Answers when
     * the lane's next delivery may go.
     */
    async laneTurn(input: { hookId: HookId; pace: LanePace }): Promise<LaneTurn> {
      const { taskQueue } = Context.current().info;
      const hook = await models.Hook.findById(input.hookId).lean();
      if (!hook || hook.status !== 'enabled') {
        await closeLane(input.hookId, hook);
        return { stop: true, pace: input.pace, sent: 0 };
      }
      const startedAt = Date.now();
      if (isThrottled(hook, startedAt)) {
        return { stop: false, wakeAt: hook.throttledUntil?.getTime(), pace: input.pace, sent: 0 };
      }
      const pacing = pacingOf(hook);
      const rate = pacing.perSecond && Math.min(input.pace.perSecond ?? pacing.perSecond, pacing.perSecond);
      const batch = rate ? Math.ceil(rate) : TURN_WITHOUT_RATE;
      const open = await nextInLane(models, input.hookId, batch);
      const due = open.filter((delivery) => dueAt(delivery) <= startedAt);
      let throttledUntil: number | undefined;
      let sawTooMany = false;
      const { started, notBefore } = await keepHeartbeating(() =>
        startPaced(
          due,
          {
            intervalMs: rate ? 1000 / rate : 0,
            inFlight: pacing.maxInFlight ?? concurrency,
            notBefore: input.pace.notBefore,
            stopped: () => throttledUntil !== undefined,
          },
          // With the hook as the turn found it: switched off meanwhile, it has at most this turn's sends more.
          async (delivery) => {
            const { result } = await laterAttempts.sendAgain(delivery, hook, taskQueue);
            if (!result) return;
            if (result.attempt.statusCode === 429) sawTooMany = true;
            const until = throttledUntilOf(result, Date.now());
            if (until !== undefined) throttledUntil = Math.max(until, throttledUntil ?? 0);
          },
        ),
      );
      const lowered = rate && pacing.perSecond ? rateAfterTurn(rate, pacing.perSecond, sawTooMany) : undefined;
      const pace: LanePace = { notBefore, ...(lowered === undefined ? {} : { perSecond: lowered }) };
      if (throttledUntil !== undefined) return { stop: false, wakeAt: throttledUntil, pace, sent: started };
      // A full turn may have left more due already; otherwise the lane's earliest delivery says when to look again.
      if (started === batch) return { stop: false, wakeAt: Date.now(), pace, sent: started };
      const [next] = await nextInLane(models, input.hookId, 1);
      return { stop: false, ...(next ? { wakeAt: dueAt(next) } : {}), pace, sent: started };
    },
  };
}
