import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry of one process's metrics, with prom-client's default process
 * metrics (CPU, memory, event loop lag, GC). A registry of its own rather
 * than prom-client's global one: a test process runs an API and a worker,
 * and each must answer only its own.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
