import type { ApiMetrics } from '../../infra/metrics/api-metrics';
import { TextReply } from '../reply';
import { defineRoute, type RouteDefinition } from '../route';

/** `GET /metrics`: this API process's Prometheus metrics, for the admin key only (scrape it with a Bearer token). */
export function metricsRoutes(metrics: ApiMetrics): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'operations.metrics',
      tag: 'Operations',
      summary: "This API process's Prometheus metrics",
      description:
        "Prometheus' text exposition format (0.0.4): events accepted and refused, request durations by route, and the process's own metrics. Admin key only, as a Bearer token (Prometheus' scrape config `authorization`); each API process answers for itself. The worker serves its metrics on a port of its own (HOOKFLOW_WORKER_METRICS_PORT).",
      access: 'admin',
      success: { status: 200, description: 'The metrics, as text/plain; version=0.0.4' },
      handle: async () => new TextReply(metrics.registry.contentType, await metrics.registry.metrics()),
    }),
  ];
}
