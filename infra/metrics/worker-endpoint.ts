import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** How long a scrape waits for the Temporal SDK's exporter before answering without its metrics. */
const TEMPORAL_METRICS_TIMEOUT_MS = 2_000;

/**
 * A loopback address for the Temporal SDK's own Prometheus exporter, which
 * only this process reads (see serveWorkerMetrics). The SDK takes an address
 * and says nothing of the port it bound, so a free one is found first; the
 * moment between closing it here and the SDK binding it is the only race,
 * and losing it stops the worker at start, loudly.
 */
export async function freeLoopbackAddress(): Promise<string> {
  const probe = createTcpServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** The Temporal SDK's exposition, or a comment saying why it is missing from this scrape. */
async function temporalExposition(address: string, onError: (error: unknown) => void): Promise<string> {
  try {
    const response = await fetch(`http://${address}/metrics`, {
      signal: AbortSignal.timeout(TEMPORAL_METRICS_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`the Temporal SDK's exporter answered ${response.status}`);
    return await response.text();
  } catch (error) {
    onError(error);
    return "# The Temporal SDK's metrics are missing from this scrape: its exporter did not answer (see the worker's log)\n";
  }
}

export interface WorkerMetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on the worker's metrics port: Hookflow's metrics (prom-client),
 * then the Temporal SDK's (its core runtime's Prometheus exporter on
 * loopback, read at each scrape), so that one scrape target gives both. The
 * two never share a metric name: ours start `hookflow_` or are prom-client's
 * process defaults, the SDK's start `temporal_`.
 */
export async function serveWorkerMetrics({
  registry,
  host,
  port,
  temporalMetricsAddress,
  onError,
}: {
  registry: Registry;
  host: string;
  port: number;
  temporalMetricsAddress: string;
  onError: (error: unknown) => void;
}): Promise<WorkerMetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here\n');
      return;
    }
    Promise.all([registry.metrics(), temporalExposition(temporalMetricsAddress, onError)]).then(
      ([ours, temporal]) => res.writeHead(200, { 'content-type': registry.contentType }).end(`${ours}\n${temporal}`),
      (error: unknown) => {
        onError(error);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
