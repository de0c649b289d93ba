import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { routeTemplate } from './route-template';

/** Probes and scrapes come every few seconds and start nothing: a span each would only bury the others. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Each request as an OpenTelemetry server span (`POST /v1/events`), for a
 * traced API (infra/tracing.ts): what the request starts (StartWorkflow) is
 * its child. A caller's `traceparent` makes it a child of the caller's span.
 * Mounted first, so that every middleware after it runs in its context; the
 * request's and answer's listeners (the body parser's) are bound to it too,
 * since stream events run in the context of the socket, not of the request.
 */
export function traceRequests(): RequestHandler {
  const tracer = trace.getTracer('hookflow-api');
  return (req, res, next) => {
    if (UNTRACED_PATHS.has(req.path)) return next();
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    res.once('close', () => {
      const route = routeTemplate(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const traced = trace.setSpan(parent, span);
    context.bind(traced, req);
    context.bind(traced, res);
    context.with(traced, next);
  };
}
