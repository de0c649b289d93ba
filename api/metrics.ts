import type { RequestHandler, Response } from 'express';
import type { ApiMetrics } from '../infra/metrics/api-metrics';
import { answeredErrorCode } from './errors';
import { routeTemplate } from './route-template';

/** The routes that take events: their refusals are counted by reason. */
const EVENT_POSTS = new Set(['/v1/events', '/v1/events/batch']);

/** Times every answer by method, route template and status class, and counts refused event posts by error code. */
export function measureRequests(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const stopTimer = metrics.requestDuration.startTimer();
    res.once('finish', () => {
      const route = routeTemplate(req);
      // Node's HTTP parser takes only the methods it knows, so `method` stays a short list.
      stopTimer({ method: req.method, route, status_class: `${Math.floor(res.statusCode / 100)}xx` });
      if (req.method === 'POST' && EVENT_POSTS.has(route) && res.statusCode >= 400) {
        metrics.eventsRefused.inc({ reason: refusalReason(res) });
      }
    });
    next();
  };
}

function refusalReason(res: Response): string {
  return answeredErrorCode(res) ?? `http_${res.statusCode}`;
}
