import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { createAuthenticator } from './auth';
import type { AppDependencies } from './dependencies';
import { errorHandler, notFoundRoute } from './errors';
import { measureRequests } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { operationalWebhooks } from './operational-webhooks';
import { mountRoutes, type RouteDefinition } from './route';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { apiRoutes } from './routes';
import { refuseNulCharacters } from './nul-guard';
import { traceRequests } from './request-spans';
import { portalRoutes } from './portal';

/** A caller's own request id is kept if it is sane, so that logs on both sides line up. */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

export const API_INFO = {
  title: 'Hookflow API',
  version: '1',
  description:
    'Webhook and integration delivery on Temporal: owners, hooks, event types, events and deliveries. ' +
    'No string in a path, query or body may contain a NUL character (U+0000): such a request is a 400.',
};

/** The document /openapi.json serves: the routes, and the operational events Hookflow sends as webhooks. */
export function hookflowDocument(routes: RouteDefinition[]) {
  return buildOpenApiDocument(routes, API_INFO, operationalWebhooks());
}

export function createApp(deps: AppDependencies): Express {
  const { config, models, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.traced) app.use(traceRequests());
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = requestId(req.headers['x-request-id']);
        res.setHeader('x-request-id', id);
        return id;
      },
      // Never log credentials.
      redact: ['req.headers.authorization'],
    }),
  );
  app.use(measureRequests(deps.metrics));
  app.use(healthRoutes(deps.readinessChecks));
  app.use('/portal', portalRoutes(config.portalFrameAncestors));
  app.use(express.json({ limit: config.maxBodyBytes }));
  app.use(refuseNulCharacters);
  const routes = apiRoutes(deps);
  const document = hookflowDocument(routes);
  mountRoutes(app, [...routes, ...docsRoutes(() => document)], createAuthenticator(config.adminKey, models), {
    checkResponses: config.checkResponses,
  });
  app.use(notFoundRoute);
  app.use(errorHandler(logger));
  return app;
}
