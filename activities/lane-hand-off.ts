import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../core/concurrency';
import { signalHookLane } from '../infra/workflow-starters';
import { hookLaneWorkflowId, type LaneAddress } from '../shared/temporal-names';

/** Tells these lanes that deliveries wait for them (each once), starting the lanes that are not running. */
export type HandToLanes = (lanes: Iterable<LaneAddress>) => Promise<void>;

/** Signals sent at once: a slice's paced hooks and ordered keys are usually a few. */
const SIGNALS_IN_FLIGHT = 10;

/** The lane that sends a delivery, if any: its key's when it is ordered, its hook's when it is in that lane. */
export function laneOf(delivery: {
  hookId: LaneAddress['hookId'];
  inLane?: boolean | null;
  orderingKey?: string | null;
}): LaneAddress | undefined {
  if (typeof delivery.orderingKey === 'string') return { hookId: delivery.hookId, orderingKey: delivery.orderingKey };
  return delivery.inLane ? { hookId: delivery.hookId } : undefined;
}

/**
 * Lanes run on the worker's main task queue, whichever queue the activity
 * that hands them deliveries runs on (a large fan-out's bulk queue, say).
 */
export function createLaneHandOff({ temporal, taskQueue }: { temporal: Client; taskQueue: string }): HandToLanes {
  return async (lanes) => {
    const distinct = new Map([...lanes].map((lane) => [hookLaneWorkflowId(lane), lane]));
    await mapWithConcurrency([...distinct.values()], SIGNALS_IN_FLIGHT, (lane) =>
      signalHookLane({ temporal, taskQueue }, lane),
    );
  };
}
