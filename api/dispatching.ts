import type { Client } from '@temporalio/client';
import {
  commitDispatch,
  recoverPendingDispatches,
  startPendingDispatch,
  storeInOpenDispatch,
} from '../services/dispatches';
import type { DispatchDependencies } from '../records/dispatch-start';
import { EventDispatcher } from '../services/event-dispatcher';
import type { Logger } from '../infra/logger';
import type { Models } from '../infra/models';

/** How often an API process looks for dispatches whose API process died while they were open. */
const RECOVERY_EVERY_MS = 60_000;

export interface RunningDispatcher {
  dispatcher: EventDispatcher;
  /** Starts what is open now and stops looking for orphans. */
  stop(): Promise<void>;
}

/**
 * The API process's EventDispatcher on the store and Temporal, and the
 * recovery of orphaned open dispatches: at start, then every minute.
 */
export function startDispatcher({
  models,
  temporal,
  taskQueue,
  intervalMs,
  logger,
}: {
  models: Models;
  temporal: Client;
  taskQueue: string;
  /** HOOKFLOW_DISPATCH_INTERVAL. */
  intervalMs: number;
  logger: Logger;
}): RunningDispatcher {
  const deps: DispatchDependencies = { models, temporal, taskQueue };
  const dispatcher = new EventDispatcher(
    {
      commit: (events) => commitDispatch(deps, events),
      store: (dispatchId, events, recordPending) => storeInOpenDispatch(deps, dispatchId, events, recordPending),
      start: (dispatchId, stored) => startPendingDispatch(deps, dispatchId, stored),
    },
    intervalMs,
    (dispatchId, error) => logger.warn({ err: error, dispatchId }, 'Dispatch start failed; trying again'),
  );
  const recover = () =>
    recoverPendingDispatches(deps).then(
      (started) => started > 0 && logger.warn({ started }, 'Started dispatches orphaned by a lost API process'),
      (error: unknown) => logger.warn({ err: error }, 'Recovering orphaned dispatches failed; trying again later'),
    );
  void recover();
  const timer = setInterval(() => void recover(), RECOVERY_EVERY_MS);
  timer.unref();
  return {
    dispatcher,
    async stop() {
      clearInterval(timer);
      await dispatcher.closeAll();
    },
  };
}
