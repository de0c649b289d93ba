import { Counter, Histogram } from 'prom-client';
import { createMetricsRegistry } from './registry';

/**
 * The API process's metrics, served at `GET /metrics`. Labels take bounded
 * values only: error codes, route templates, status classes; never an id or
 * an event type (owners make those up).
 */
export function createApiMetrics() {
  const registry = createMetricsRegistry();
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'hookflow_events_accepted_total',
      help: 'Events stored for delivery (POST /v1/events and each event of a batch); repeats of an event already accepted are not counted',
      registers,
    }),
    eventsRefused: new Counter({
      name: 'hookflow_events_refused_total',
      help: 'Posts of events (POST /v1/events, /v1/events/batch) answered with an error, by its code; a refused batch counts once',
      labelNames: ['reason'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'hookflow_http_request_duration_seconds',
      help: 'Time the API took to answer, by method, route template (unmatched: no route) and status class',
      labelNames: ['method', 'route', 'status_class'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
