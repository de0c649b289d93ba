import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { HookId } from '../core/ids';

/** 20 a second: a receiver just back on its feet is not flooded with everything it missed at once. */
const BATCH = 20;
const PAUSE = '1 second';

const { resumePausedPage } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Puts a re-enabled hook's paused deliveries back on their way, oldest first, at a bounded rate. */
export async function resumePausedDeliveries(input: { hookId: HookId }): Promise<void> {
  for (let page = 0; ; page++) {
    const claim = `${workflowInfo().runId}:${page}`;
    const resumed = await resumePausedPage({ hookId: input.hookId, limit: BATCH, claim });
    if (resumed < BATCH) return;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof resumePausedDeliveries>(input);
    await sleep(PAUSE);
  }
}
