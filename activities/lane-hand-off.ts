import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../core/concurrency';
import type { HookId } from '../core/ids';
import { signalHookLane } from '../infra/workflow-starters';

/** Tells these hooks' lanes that deliveries wait for them (each once), starting the lanes that are not running. */
export type HandToLanes = (hookIds: Iterable<HookId>) => Promise<void>;

/** Signals sent at once: a slice's paced hooks are usually a few. */
const SIGNALS_IN_FLIGHT = 10;

/**
 * Lanes run on the worker's main task queue, whichever queue the activity
 * that hands them deliveries runs on (a large fan-out's bulk queue, say).
 */
export function createLaneHandOff({ temporal, taskQueue }: { temporal: Client; taskQueue: string }): HandToLanes {
  return async (hookIds) => {
    await mapWithConcurrency([...new Set(hookIds)], SIGNALS_IN_FLIGHT, (hookId) =>
      signalHookLane({ temporal, taskQueue }, hookId),
    );
  };
}
