import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LanePace } from '../activities/lane-turn';
import type { HookId } from '../core/ids';
import { LANE_SIGNAL, type LaneAddress } from '../shared/temporal-names';

const moreDeliveries = defineSignal(LANE_SIGNAL);

const { laneTurn } = proxyActivities<Activities>({
  // A turn is about a second of sends at the hook's rate, each up to a hook's longest timeout (60 s) when slow.
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Past the next send's time in the spacing: a second, which also covers the worker's and server's clocks. */
const LINGER_MS = 1_000;

function lingerMs(pace: LanePace): number {
  return Math.max(0, pace.notBefore - Date.now()) + LINGER_MS;
}

export interface HookLaneInput extends LaneAddress {
  hookId: HookId;
  /** Where the last run stood, when it continued as new. */
  pace?: LanePace;
}

/**
 * The one sender of a paced hook's deliveries (core/pacing.ts), or of one
 * key's deliveries of an ordered hook (core/ordering.ts, with `orderingKey`):
 * turn after turn it sends what is due (at the hook's rate and in-flight
 * bound; or the key's deliveries one after the other, in order), then waits
 * for the next due delivery or a signal that more were handed to it
 * (signalHookLane in infra/workflow-starters.ts), and ends when it holds
 * nothing. Being one workflow per hook (or key), its bounds and its order
 * hold across every workflow and worker that hands it deliveries.
 */
export async function hookLane(input: HookLaneInput): Promise<void> {
  let handedMore = false;
  setHandler(moreDeliveries, () => {
    handedMore = true;
  });
  let pace: LanePace = input.pace ?? { notBefore: 0 };
  const address: LaneAddress =
    input.orderingKey === undefined
      ? { hookId: input.hookId }
      : { hookId: input.hookId, orderingKey: input.orderingKey };
  for (;;) {
    handedMore = false;
    const turn = await laneTurn({ ...address, pace });
    pace = turn.pace;
    if (turn.stop || turn.wakeAt === undefined) {
      // Nothing left: before it ends, the lane stays until its spacing allows the next send, and a second more,
      // since a run started afresh knows no spacing (the next deliveries of a burst often come a moment later).
      if (!turn.stop && !handedMore) await condition(() => handedMore, lingerMs(pace));
      // Then it ends (or the hook is off, its deliveries parked), unless deliveries were handed to it meanwhile,
      // which the next turn takes (or parks). A signal that lands while the run completes makes the server refuse
      // the completion: the workflow then runs on with it, the SDK handing signals in first.
      if (!handedMore) return;
      continue;
    }
    const waitMs = turn.wakeAt - Date.now();
    // Held, nothing handed to it could go sooner: it sleeps through the signals (the SDK records them meanwhile).
    if (waitMs > 0 && turn.held) await sleep(waitMs);
    else if (waitMs > 0) await condition(() => handedMore, waitMs);
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof hookLane>({ ...address, pace });
  }
}
