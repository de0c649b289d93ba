import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DeliveryId, HookId, OwnerId } from '../core/ids';
import { isPaced } from '../core/pacing';
import type { Models } from '../infra/models';
import { startRetryWorkflow } from '../infra/workflow-starters';
import { deliverySummary, type SummarizedHook } from './delivery-summary';
import { parkedDeliveriesOf, resumedFields } from '../records/hook-switch';
import { keepHeartbeating } from './heartbeat';
import { laneOf, type HandToLanes } from './lane-hand-off';
import type { LaneAddress } from '../shared/temporal-names';
import type { AttemptLater } from './later-attempts';

/** What a resume reads of a delivery it takes on. */
interface Resumed {
  _id: DeliveryId;
  hookId: HookId;
  ownerId: OwnerId;
  attempts: unknown[];
  attemptsBeforeResume?: number | null;
  nextAttemptAt?: Date | null;
  /** An ordered hook's delivery: its key's lane sends it (core/ordering.ts). */
  orderingKey?: string | null;
}

const RESUMED_FIELDS = {
  _id: 1,
  hookId: 1,
  ownerId: 1,
  attempts: 1,
  attemptsBeforeResume: 1,
  nextAttemptAt: 1,
  orderingKey: 1,
};

/** The lane a resumed delivery goes to when its hook is paced: its key's if it has one, else its hook's. */
function pacedLaneOf(delivery: Resumed): LaneAddress {
  return laneOf(delivery) ?? { hookId: delivery.hookId };
}

export function createResumeActivities({
  models,
  temporal,
  attemptLater,
  handToLanes,
}: {
  models: Models;
  temporal: Client;
  attemptLater: AttemptLater;
  handToLanes: HandToLanes;
}) {
  /**
   * Claims a parked delivery for this page: it becomes `retrying`, its
   * attempts from here counted afresh, and its hook's lane's when the hook is
   * paced (core/pacing.ts), its retry workflow's otherwise. An ordered one
   * stays its key's lane's.
   */
  async function claim(delivery: Resumed, claimName: string, paced: boolean): Promise<boolean> {
    const inLane = paced && !laneOf(delivery);
    const claimed = await models.Delivery.updateOne(
      { ...parkedDeliveriesOf(delivery.hookId), _id: delivery._id },
      {
        $set: {
          ...resumedFields(delivery),
          resumeClaim: claimName,
          ...(inLane ? { inLane } : {}),
        },
        $unset: { failureReason: 1, ...(inLane ? {} : { inLane: 1 }) },
      },
    );
    return claimed.modifiedCount === 1;
  }

  /**
   * Attempts a claimed delivery; one that fails again goes on to its retry
   * workflow. Answers false when the hook went off again meanwhile (the
   * delivery is parked once more), which ends the page.
   */
  async function attempt(delivery: Resumed, hook: SummarizedHook, taskQueue: string): Promise<boolean> {
    const step = await attemptLater(delivery._id, taskQueue);
    // Without a delay, its hook's lane took it (the hook became paced meanwhile).
    if (step.status === 'retrying' && step.delayMs !== undefined) {
      await handOn(delivery, hook, step.delayMs, taskQueue, step.lastError);
    }
    return step.status !== 'paused';
  }

  function handOn(delivery: Resumed, hook: SummarizedHook, delayMs: number, taskQueue: string, lastError?: string) {
    const resumed = {
      deliveryId: delivery._id,
      hookId: delivery.hookId,
      ownerId: delivery.ownerId,
      summary: deliverySummary(hook),
    };
    return startRetryWorkflow(
      { temporal, taskQueue },
      { delivery: resumed, delayMs, ...(lastError ? { lastError } : {}), mode: 'resume' },
    );
  }

  /**
   * Claims up to `limit` parked deliveries, oldest first, for the hook's lane
   * (in that order: each is due as it is claimed), and tells the lane once.
   * A retried page claims what is still parked and tells the lane again.
   */
  async function handPageToLane(input: { hookId: HookId; limit: number; claim: string }): Promise<number> {
    const parked = await models.Delivery.find(parkedDeliveriesOf(input.hookId), RESUMED_FIELDS)
      .sort({ createdAt: 1, _id: 1 })
      .limit(input.limit)
      .lean<Resumed[]>();
    for (const delivery of parked) await claim(delivery, input.claim, true);
    await handToLanes(parked.length > 0 ? parked.map(pacedLaneOf) : [{ hookId: input.hookId }]);
    return parked.length;
  }

  return {
    /**
     * Sends up to `limit` of a re-enabled hook's parked deliveries, oldest
     * first and one at a time, so that its receiver gets them in the order they
     * were made; each failing one goes on to its retry workflow. Each claimed
     * delivery carries the page's `claim`: a retry of this activity after a
     * crash finds what it claimed, sends what it had not sent yet, and hands on
     * what it had. A paced hook's page is claimed for its lane, which sends
     * it at the hook's pace, oldest first. Answers how many deliveries this
     * page went through.
     */
    async resumePausedPage(input: { hookId: HookId; limit: number; claim: string }): Promise<number> {
      const { taskQueue } = Context.current().info;
      const hook = await models.Hook.findById(input.hookId, {
        status: 1,
        delivery: 1,
        throttledUntil: 1,
        name: 1,
        targetHost: 1,
        'target.type': 1,
      }).lean();
      if (hook?.status !== 'enabled') return 0;
      if (isPaced(hook, Date.now())) return handPageToLane(input);
      return keepHeartbeating(async () => {
        const claimedEarlier = await models.Delivery.find(
          { hookId: input.hookId, status: 'retrying', resumeClaim: input.claim },
          RESUMED_FIELDS,
        )
          .sort({ createdAt: 1, _id: 1 })
          .lean<Resumed[]>();
        for (const delivery of claimedEarlier) {
          const sentSinceClaim = delivery.attempts.length > (delivery.attemptsBeforeResume ?? 0);
          const waitMs = Math.max(0, (delivery.nextAttemptAt?.getTime() ?? 0) - Date.now());
          if (!sentSinceClaim) {
            if (!(await attempt(delivery, hook, taskQueue))) return claimedEarlier.length;
          } else if (!laneOf(delivery)) await handOn(delivery, hook, waitMs, taskQueue);
          // An ordered one sent since its claim is its key's lane's, which sent it and goes on with it.
        }
        const room = input.limit - claimedEarlier.length;
        const parked =
          room > 0
            ? await models.Delivery.find(parkedDeliveriesOf(input.hookId), RESUMED_FIELDS)
                .sort({ createdAt: 1, _id: 1 })
                .limit(room)
                .lean<Resumed[]>()
            : [];
        let went = claimedEarlier.length;
        for (const delivery of parked) {
          if (!(await claim(delivery, input.claim, false))) continue;
          went++;
          if (!(await attempt(delivery, hook, taskQueue))) return went;
        }
        return claimedEarlier.length + parked.length;
      });
    },
  };
}
