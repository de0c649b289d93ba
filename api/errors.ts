import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ServiceUnavailableError } from '../domain/errors';
import type { Logger } from '../domain/logger';
import { serviceOutage } from './service-outage';

export const notFoundRoute: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'route_not_found', message: `No route for ${req.method} ${req.path}` } });
};

/** body-parser marks its own failures (bad JSON, too large) with a status and a type. */
function bodyParserError(error: unknown): AppError | undefined {
  const e = error as { type?: string; status?: number; limit?: number };
  if (e.type === 'entity.parse.failed') return new AppError(400, 'invalid_json', 'The request body is not valid JSON');
  if (e.type === 'entity.too.large') {
    return new AppError(413, 'payload_too_large', `The request body is larger than the ${e.limit} bytes allowed`);
  }
  if (e.type && e.status && e.status < 500)
    return new AppError(e.status, 'bad_request', String((error as Error).message));
  return undefined;
}

/**
 * Turns every error into `{error: {code, message, details}}`; only unexpected
 * ones are logged as errors. An unreachable store or Temporal is a 503 with
 * `Retry-After`, whichever route met it.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const requestId = res.get('x-request-id');
    const known = error instanceof AppError ? error : (bodyParserError(error) ?? serviceOutage(error));
    if (known instanceof ServiceUnavailableError) {
      logger.warn({ err: error, requestId, method: req.method, path: req.path }, 'a service is unreachable');
      res.set('retry-after', String(known.retryAfterSeconds));
    }
    if (known) {
      res
        .status(known.status)
        .json({ error: { code: known.code, message: known.message, details: known.details, requestId } });
      return;
    }
    // The stack trace goes to the log, never to the caller.
    logger.error({ err: error, requestId, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error; it has been logged', requestId } });
  };
}
