import {
  CancellationScope,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { hasHandOffs } from './hand-offs';
import type { ReplayId } from '../core/ids';

const { replayPage } = proxyActivities<Activities>({
  // A page is at most a second's worth of deliveries at the replay's rate, but receivers may be slow.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { handOnFailures, finishReplay } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface ReplayInput {
  replayId: ReplayId;
  /** Deliveries a second at most: a receiver just back on its feet is not flooded. */
  ratePerSecond: number;
  /** Where the previous run stopped, when the workflow continues as new. */
  cursor?: string;
}

/**
 * Delivers a replay's items again, a second's worth at a time, failures on to
 * their retry workflows as for any delivery. Cancelling it stops the pages and
 * the retries of what it already sent.
 */
export async function replayDeliveries(input: ReplayInput): Promise<void> {
  let cursor = input.cursor;
  // Once per replay: a run that continues as new carries a cursor. The SDK logs it once, not on each replay of history.
  if (cursor === undefined)
    log.info('Replay started', { replayId: input.replayId, ratePerSecond: input.ratePerSecond });
  try {
    do {
      const page = await replayPage({ replayId: input.replayId, cursor, limit: input.ratePerSecond });
      if (hasHandOffs(page)) {
        const { retries, failures, hooksToDisable } = page;
        await handOnFailures({ retries, failures, hooksToDisable });
      }
      cursor = page.next;
      if (cursor && workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof replayDeliveries>({ ...input, cursor });
      }
      if (cursor) await sleep('1 second');
    } while (cursor);
    await finishReplay({ replayId: input.replayId, status: 'completed' });
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => finishReplay({ replayId: input.replayId, status: 'cancelled' }));
    }
    throw error;
  }
}
