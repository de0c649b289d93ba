import type { Client } from '@temporalio/client';
import type { Config } from '../infra/config';
import type { EventDispatcher } from '../services/event-dispatcher';
import type { Logger } from '../infra/logger';
import type { ApiMetrics } from '../infra/metrics/api-metrics';
import type { Models } from '../infra/models';
import type { SecretBox } from '../infra/secret-box';
import type { ReadinessCheck } from './routes/health';

/** What the API is built from (api/main.ts wires it): the app and every route take it. */
export interface AppDependencies {
  config: Pick<
    Config,
    | 'allowPrivateTargets'
    | 'temporal'
    | 'maxBodyBytes'
    | 'deliveryDefaults'
    | 'replayRate'
    | 'hookTestWait'
    | 'checkResponses'
    | 'publicUrl'
    | 'portalFrameAncestors'
  > & {
    adminKey: string;
  };
  models: Models;
  temporal: Client;
  secrets: SecretBox;
  logger: Logger;
  readinessChecks: Record<string, ReadinessCheck>;
  /** Stores and starts the posted events (api/dispatching.ts). */
  dispatcher: EventDispatcher;
  /** This process's Prometheus metrics, served at `GET /metrics`. */
  metrics: ApiMetrics;
  /** Each request gets a span (api/request-spans.ts): tracing is on (infra/tracing.ts). */
  traced?: boolean;
}
