import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Config } from '../domain/config';
import type { Logger } from '../domain/logger';
import type { Models } from '../domain/models';
import { requireAdminKey } from './auth';
import { errorHandler, notFoundRoute } from './errors';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { hookRoutes } from './routes/hooks';
import { ownerRoutes } from './routes/owners';

export interface AppDependencies {
  config: Pick<Config, 'allowPrivateTargets' | 'temporal'> & { adminKey: string };
  models: Models;
  temporal: Client;
  logger: Logger;
  readinessChecks: Record<string, () => Promise<void>>;
}

/** Event payloads above this are refused with a 413 before they reach any handler. */
export const MAX_BODY_BYTES = 256 * 1024;

export function createApp({ config, models, temporal, logger, readinessChecks }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(readinessChecks));

  const v1 = express.Router();
  v1.use(requireAdminKey(config.adminKey));
  v1.use(express.json({ limit: MAX_BODY_BYTES }));
  v1.use(ownerRoutes(models));
  v1.use(hookRoutes(models, { allowPrivateTargets: config.allowPrivateTargets }));
  v1.use(eventRoutes({ models, temporal, taskQueue: config.temporal.taskQueue }));
  app.use('/v1', v1);

  app.use(notFoundRoute);
  app.use(errorHandler(logger));
  return app;
}
