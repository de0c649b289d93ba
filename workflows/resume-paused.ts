import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';

/** 20 a second at most: a receiver just back on its feet is not flooded with everything it missed at once. */
const BATCH = 20;
const PAUSE = '1 second';

const { resumePausedPage } = proxyActivities<Activities>({
  // A page sends one delivery at a time: 20 slow receivers' answers, up to a hook's longest timeout each.
  startToCloseTimeout: '40 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Sends a re-enabled hook's paused deliveries again, oldest first and one at
 * a time, at most 20 a second; what fails again follows its retry schedule.
 */
export async function resumePausedDeliveries(input: { hookId: HookId }): Promise<void> {
  for (let page = 0; ; page++) {
    const claim = `${workflowInfo().runId}:${page}`;
    const resumed = await resumePausedPage({ hookId: input.hookId, limit: BATCH, claim });
    if (resumed < BATCH) return;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof resumePausedDeliveries>(input);
    await sleep(PAUSE);
  }
}
