import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, ServiceUnavailableError } from '../core/errors';
import type { Logger } from '../infra/logger';
import { serviceOutage } from './service-outage';

/** Where an error answer's code is kept for the request's metrics (api/metrics.ts). */
const ERROR_CODE = 'errorCode';

/** The `error.code` the answer carried, if it was an error answer. */
export function answeredErrorCode(res: Response): string | undefined {
  const code: unknown = res.locals[ERROR_CODE];
  return typeof code === 'string' ? code : undefined;
}

export const notFoundRoute: RequestHandler = (req, res) => {
  res.locals[ERROR_CODE] = 'route_not_found';
  res.status(404).json({ error: { code: 'route_not_found', message: `No route for ${req.method} ${req.path}` } });
};

/**
 * Errors of the request itself, raised before any route runs. body-parser
 * marks its own (bad JSON, too large, unknown encoding) with a status and a
 * type; a body that fails to decompress (gzip, deflate or br that is not)
 * comes as a plain 400 http-error; the router throws a URIError with a 400
 * for a path parameter that is not valid percent-encoding.
 */
function requestError(error: unknown, req: Request): AppError | undefined {
  const e = error as { type?: string; status?: number; limit?: number; expose?: boolean };
  if (e.type === 'entity.parse.failed') return new AppError(400, 'invalid_json', 'The request body is not valid JSON');
  if (e.type === 'entity.too.large') {
    return new AppError(413, 'payload_too_large', `The request body is larger than the ${e.limit} bytes allowed`);
  }
  if (e.type === 'encoding.unsupported') {
    return new AppError(
      415,
      'unsupported_encoding',
      `Content-Encoding ${JSON.stringify(req.get('content-encoding'))} is not supported; send gzip, deflate, br or none`,
    );
  }
  if (e.type && e.status && e.status < 500)
    return new AppError(e.status, 'bad_request', String((error as Error).message));
  const encoding = req.get('content-encoding') ?? 'identity';
  if (e.status === 400 && e.expose && encoding.toLowerCase() !== 'identity') {
    return new AppError(
      400,
      'invalid_encoding',
      `The request body is not valid ${encoding} data: ${String((error as Error).message)}`,
    );
  }
  if (error instanceof URIError && e.status === 400) {
    return new AppError(400, 'invalid_path', `The path is not valid percent-encoding: ${error.message}`);
  }
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
    const known = error instanceof AppError ? error : (requestError(error, req) ?? serviceOutage(error));
    if (known instanceof ServiceUnavailableError) {
      // One line per refused request, without the stack: during an outage every request lands here.
      const cause = error instanceof Error ? error.message : String(error);
      logger.warn(
        { service: known.service, cause, requestId, method: req.method, path: req.path },
        'a service is unreachable',
      );
      res.set('retry-after', String(known.retryAfterSeconds));
    }
    if (known) {
      res.locals[ERROR_CODE] = known.code;
      res
        .status(known.status)
        .json({ error: { code: known.code, message: known.message, details: known.details, requestId } });
      return;
    }
    // The stack trace goes to the log, never to the caller.
    logger.error({ err: error, requestId, method: req.method, path: req.path }, 'request failed');
    res.locals[ERROR_CODE] = 'internal';
    res.status(500).json({ error: { code: 'internal', message: 'Internal error; it has been logged', requestId } });
  };
}
