import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { holdHost, releaseHost } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface PauseHostInput {
  /** A target host with its port, as targetHostOf names it. */
  host: string;
  /** The failures within the window that tripped the breaker. */
  failures: number;
  /** How long sends to it wait, as `1m`. */
  pause: string;
}

/**
 * Holds every send to a host whose receivers failed too often at once, for
 * the pause, then lets them go: deliveries due meanwhile wait, recorded as
 * retrying until the pause ends, and go out after it. Runs while the host is
 * paused, so the Temporal Web UI lists it (`host-pause:<host>`).
 */
export async function pauseHost(input: PauseHostInput): Promise<void> {
  await holdHost(input);
  await sleep(input.pause);
  await releaseHost({ host: input.host });
}
