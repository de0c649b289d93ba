import { log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { DeliverySettings } from '../core/delivery-settings';
import type { Models } from '../infra/models';
import type { SecretBox } from '../infra/secret-box';
import { tellWatchers, type AttemptWatcher } from './attempt-watchers';
import { finalFailureLog } from './final-failure-log';
import { deliveryMetrics } from './delivery-metrics';
import type { WorkerMetrics } from '../infra/metrics/worker-metrics';
import type { HookStatsWatcher } from './hook-stats';
import { createFanOutActivities } from './fan-out';
import { createFirstAttempts } from './first-attempts';
import { createHookDisablingActivities } from './hook-disabling';
import { createOperationalEvents } from './operational-events';
import type { OwnerId } from '../core/ids';
import { createHookTestActivities } from './hook-test';
import type { HostBreaker } from './host-breaker';
import { createHostPauseActivities } from './host-pauses';
import { createOwnerRemovalActivities } from './owner-removal';
import type { HttpClient } from './http/client';
import { createHookSender } from './hook-sender';
import { createLaneActivities } from './lane';
import { createLaneHandOff } from './lane-hand-off';
import { createLaterAttempt } from './later-attempts';
import { createReplayActivities } from './replays';
import { createResumeActivities } from './resume';
import { createRetentionActivities } from './retention';
import { createRetryActivities } from './retries';
import { createSenders } from '../targets/senders';

export interface ActivityDependencies {
  models: Models;
  http: HttpClient;
  secrets: SecretBox;
  /** For activities that hand work on to other workflows. */
  temporal: Client;
  /** The worker's main task queue, where hooks' lanes run. */
  taskQueue: string;
  mailer: Transporter;
  emailFrom: string;
  publicUrl: string;
  deliveryDefaults: DeliverySettings;
  /** The most deliveries a second a replay may send. */
  replayRate: number;
  /** Lets targets reach loopback and private hosts (local development and tests). */
  allowPrivateTargets: boolean;
  /** The worker's view of which target hosts are paused, and its count of their failures. */
  hostBreaker: HostBreaker;
  /** Hear of every delivery step on record: metrics, stats, logs (activities/attempt-watchers.ts). */
  watchers?: readonly AttemptWatcher[];
  /** Always there: the API's /stats routes read what it counts. Closed by the worker once its activities are done. */
  hookStats: HookStatsWatcher;
  /** The worker's Prometheus metrics (infra/metrics/worker-metrics.ts). */
  metrics: WorkerMetrics;
  /** HOOKFLOW_OPERATOR_OWNER: receives every owner's operational events too. */
  operatorOwnerId: OwnerId | undefined;
}

/**
 * Deliveries one activity has in flight at once: enough to hide receivers'
 * latency, few enough that a slow page does not hold hundreds of sockets.
 */
export const SEND_CONCURRENCY = 50;

/** Every activity the worker registers, built from the dependencies worker.ts wires (the senders are loaded here). */
export async function createActivities({
  models,
  http,
  secrets,
  temporal,
  taskQueue,
  mailer,
  emailFrom,
  publicUrl,
  deliveryDefaults,
  replayRate,
  allowPrivateTargets,
  hostBreaker,
  watchers = [],
  hookStats,
  metrics,
  operatorOwnerId,
}: ActivityDependencies) {
  const senders = await createSenders({ http, mailer, emailFrom, publicUrl, allowPrivateTargets });
  const sender = createHookSender({ senders, secrets, deliveryDefaults });
  const handToLanes = createLaneHandOff({ temporal, taskQueue });
  // Called inside activities only, where the SDK's activity logger carries the workflow and activity ids.
  const tell = tellWatchers([finalFailureLog, deliveryMetrics(metrics), hookStats, ...watchers], (watcher, error) => {
    log.warn('A watcher of delivery steps failed; the steps are on record', { watcher, err: error });
  });
  const operational = createOperationalEvents({ models, temporal, taskQueue, operatorOwnerId });
  const { announceFailing } = operational;
  const attemptAndRecord = createFirstAttempts({
    models,
    sender,
    hostBreaker,
    concurrency: SEND_CONCURRENCY,
    handToLanes,
    tellWatchers: tell,
    announceFailing,
  });
  const laterAttempts = createLaterAttempt({
    models,
    sender,
    hostBreaker,
    temporal,
    handToLanes,
    tellWatchers: tell,
    announceFailing,
  });
  const { attemptLater } = laterAttempts;
  return {
    ...createFanOutActivities({ models, attemptAndRecord }),
    ...createReplayActivities({ models, attemptAndRecord, replayRate, metrics }),
    ...createHookTestActivities({ models, sender }),
    ...createRetryActivities({ temporal, attemptLater }),
    ...createResumeActivities({ models, temporal, attemptLater, handToLanes }),
    ...createLaneActivities({ models, laterAttempts, concurrency: SEND_CONCURRENCY }),
    ...createHookDisablingActivities({ models, mailer, emailFrom, publicUrl, metrics }),
    ...createRetentionActivities({ models }),
    ...createHostPauseActivities({ models }),
    ...createOwnerRemovalActivities({ models, temporal }),
    ...operational.activities,
  };
}

export type Activities = Awaited<ReturnType<typeof createActivities>>;
