import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, type Config } from '../infra/config';
import { createApiMetrics } from '../infra/metrics/api-metrics';
import { createWorkerMetrics } from '../infra/metrics/worker-metrics';
import { WORKER_NODE_ARGS } from '../scripts/devstack/app-processes';
import { dashboardSeries, readDashboard } from './support/dashboard';

/**
 * No Docker engine runs here, so this reads docker-compose.yml the way Compose
 * would (anchors and merge keys included) and checks that the API and worker
 * it describes would get a configuration that loads and points at services
 * the file actually runs.
 */

const root = join(__dirname, '..');
/** What the operator must supply from the host environment, with stand-ins that pass validation. */
const REQUIRED_FROM_HOST: Record<string, string> = {
  HOOKFLOW_ADMIN_KEY: 'k'.repeat(32),
  HOOKFLOW_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
};
const ADMIN_KEY_PLACEHOLDER = REQUIRED_FROM_HOST.HOOKFLOW_ADMIN_KEY as string;

interface PortMapping {
  hostIp: string | undefined;
  published: string | undefined;
  target: number;
}

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  expose?: (string | number)[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  configs?: (string | { source: string; target?: string })[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services?: Record<string, Service>;
  configs?: Record<string, { content?: string; file?: string }>;
};
const services = compose.services ?? {};

function service(name: string): Service {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}" (it has: ${Object.keys(services).join(', ')})`);
  return found;
}

/** The environment as written in the file, in either of Compose's two forms. */
function rawEnvironment(svc: Service): Record<string, string | undefined> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, undefined] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value === null ? undefined : String(value)]),
  );
}

/** Compose's `${...}` interpolation, with stand-ins for the keys the operator must supply. */
function interpolate(value: string): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (whole, name: string, op?: string, arg?: string) => {
      const required = REQUIRED_FROM_HOST[name];
      if (required) return required;
      if (op === '-' || op === ':-') return arg ?? '';
      throw new Error(
        `${whole}: only HOOKFLOW_ADMIN_KEY and HOOKFLOW_MASTER_KEY may be required from the host environment`,
      );
    },
  );
}

function environment(svc: Service): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(rawEnvironment(svc)).map(([name, value]) => [
      name,
      value === undefined ? undefined : interpolate(value),
    ]),
  );
}

function configOf(name: string): Config {
  return loadConfig(environment(service(name)));
}

function portMappings(svc: Service): PortMapping[] {
  return (svc.ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      return {
        hostIp: entry.host_ip,
        published: entry.published === undefined ? undefined : String(entry.published),
        target: Number(entry.target),
      };
    }
    let spec = String(entry).replace(/\/(tcp|udp)$/, '');
    let hostIp: string | undefined;
    const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(spec);
    if (ipv6) {
      hostIp = ipv6[1];
      spec = ipv6[2] ?? '';
    }
    const parts = spec.split(':');
    const target = Number(parts.pop());
    const published = parts.pop();
    if (parts.length > 0) hostIp = parts.join(':');
    return { hostIp, published, target };
  });
}

/** The ports a service's container listens on, as the file declares them (published or only exposed). */
function containerPorts(svc: Service): number[] {
  return [...portMappings(svc).map((mapping) => mapping.target), ...(svc.expose ?? []).map((port) => Number(port))];
}

function dependsOn(svc: Service): string[] {
  const deps = svc.depends_on ?? [];
  return Array.isArray(deps) ? deps : Object.keys(deps);
}

function commandOf(svc: Service): string[] | undefined {
  if (svc.command === undefined) return undefined;
  return Array.isArray(svc.command) ? svc.command : svc.command.trim().split(/\s+/);
}

/** The service named by `host:port`, checked to exist, run `image`, and listen on `port`. */
function assertServiceAt(address: string, expected: { port: number; image: RegExp; what: string }): void {
  const match = /^([^:/?#]+):(\d+)$/.exec(address);
  assert.ok(match, `${expected.what}: "${address}" is not host:port`);
  const [, host = '', port] = match;
  const svc = services[host];
  assert.ok(svc, `${expected.what}: host "${host}" is not a service in docker-compose.yml`);
  assert.match(svc.image ?? '', expected.image, `${expected.what}: service "${host}" runs ${svc.image}`);
  assert.equal(Number(port), expected.port, `${expected.what}: ${address} should use port ${expected.port}`);
  assert.ok(
    containerPorts(svc).includes(expected.port),
    `${expected.what}: service "${host}" declares no container port ${expected.port} (ports/expose)`,
  );
}

/** A bind mount's host path (relative to the repository) for the container path `target`, checked to exist. */
function mountedFrom(name: string, target: string): string {
  const mounts = (service(name).volumes ?? []).map((volume) => {
    if (typeof volume === 'object') return { source: volume.source ?? '', target: volume.target ?? '' };
    const [source = '', mountTarget = ''] = volume.split(':');
    return { source, target: mountTarget };
  });
  const mount = mounts.find((m) => m.target === target);
  assert.ok(mount, `${name} mounts nothing at ${target}`);
  assert.match(mount.source, /^\.\//, `${name}: ${target} should come from a file of the repository`);
  assert.ok(existsSync(join(root, mount.source)), `${name}: ${mount.source} does not exist`);
  return join(root, mount.source);
}

function readYaml(path: string): any {
  return parse(readFileSync(path, 'utf8'));
}

/** The series a registry exports: a histogram's as its _bucket, _sum and _count. */
async function exportedSeries(registry: Registry): Promise<string[]> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.flatMap(({ name, type }) =>
    String(type) === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
  );
}

const APPS = ['api', 'worker', 'worker-bulk'] as const;
const WORKERS = ['worker', 'worker-bulk'] as const;

describe('docker-compose.yml', () => {
  describe('services', () => {
    it('runs Temporal with its UI, MongoDB 7, an SMTP catcher, the API, the workers, Prometheus and Grafana', () => {
      assert.match(service('temporal').image ?? '', /^temporalio\/(auto-setup|server):/);
      assert.match(service('temporal-ui').image ?? '', /^temporalio\/ui:/);
      assert.match(service('mongodb').image ?? '', /^mongo:7(\.|$)/);
      const catchers = Object.values(services).filter((svc) =>
        /mailpit|mailhog|maildev|smtp4dev/.test(svc.image ?? ''),
      );
      assert.ok(catchers.length > 0, 'no SMTP catcher (Mailpit, MailHog, ...) among the services');
      for (const name of APPS) service(name);
      assert.match(service('prometheus').image ?? '', /^prom\/prometheus:/);
      assert.match(service('grafana').image ?? '', /^grafana\/grafana(-oss)?:/);
    });

    it('pins every image to a concrete tag', () => {
      for (const [name, svc] of Object.entries(services)) {
        if (svc.image === undefined) continue;
        const tag = /:([^/:@]+)(@sha256:[0-9a-f]{64})?$/.exec(svc.image)?.[1];
        assert.ok(tag && tag !== 'latest', `${name}: image ${svc.image} is not pinned`);
      }
    });

    it('wires Temporal to the PostgreSQL service and the UI to Temporal', () => {
      const temporalEnv = environment(service('temporal'));
      assert.equal(temporalEnv.DB, 'postgres12');
      const seeds = temporalEnv.POSTGRES_SEEDS ?? '';
      assert.match(services[seeds]?.image ?? '', /^postgres:/, `POSTGRES_SEEDS=${seeds} is not a postgres service`);
      assert.ok(dependsOn(service('temporal')).includes(seeds), `temporal does not depend on ${seeds}`);
      assertServiceAt(environment(service('temporal-ui')).TEMPORAL_ADDRESS ?? '', {
        port: 7233,
        image: /^temporalio\/(auto-setup|server):/,
        what: 'temporal-ui TEMPORAL_ADDRESS',
      });
    });
  });

  describe('the API and worker image', () => {
    it('is built from the repository Dockerfile, which exists', () => {
      for (const name of APPS) {
        const build = service(name).build;
        assert.ok(build !== undefined, `${name} has no build`);
        const context = typeof build === 'string' ? build : (build.context ?? '.');
        const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
        assert.ok(['.', './'].includes(context), `${name}: build context is ${context}, not the repository root`);
        assert.ok(existsSync(join(root, context, dockerfile)), `${name}: ${dockerfile} not found`);
      }
    });

    it('runs as a non-root user and starts the API by default', () => {
      const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
      const finalStage = dockerfile.split(/^FROM\s/m).pop() ?? '';
      const user = [...finalStage.matchAll(/^USER\s+(\S+)/gm)].pop()?.[1];
      assert.ok(user && !['root', '0', '0:0'].includes(user), `final stage runs as ${user ?? 'root (no USER)'}`);
      assert.match(finalStage, /^CMD\s+\["node",\s*"dist\/api\/main\.js"\]/m);
    });

    it('starts the API by default and the worker by command, from files tsc emits', () => {
      assert.equal(commandOf(service('api')), undefined, 'api should use the image default (the API)');
      for (const name of WORKERS) {
        assert.deepEqual(
          commandOf(service(name)),
          ['node', ...WORKER_NODE_ARGS, 'dist/worker.js'],
          `${name} runs with the heap limit dev uses`,
        );
      }
      // tsconfig has rootDir "." and outDir "dist": dist/x.js comes from x.ts.
      for (const script of ['dist/worker.js', 'dist/api/main.js']) {
        const source = script.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        assert.ok(existsSync(join(root, source)), `${script} would come from ${source}, which does not exist`);
      }
    });
  });

  describe('API and worker configuration', () => {
    it('sets only variables that infra/config.ts knows', () => {
      const known = new Set<string>(CONFIG_VARIABLES);
      for (const name of APPS) {
        const unknown = Object.keys(rawEnvironment(service(name))).filter((variable) => !known.has(variable));
        assert.deepEqual(unknown, [], `${name} sets variables the config module ignores`);
      }
    });

    it('loads with loadConfig(), the API with an admin key required from the operator', () => {
      for (const name of APPS) assert.doesNotThrow(() => configOf(name), `${name}'s environment does not load`);
      assert.match(
        rawEnvironment(service('api')).HOOKFLOW_ADMIN_KEY ?? '',
        /^\$\{HOOKFLOW_ADMIN_KEY:\?[^}]+\}$/,
        'the API must take HOOKFLOW_ADMIN_KEY from the environment and refuse to start without it',
      );
      assert.equal(configOf('api').adminKey, ADMIN_KEY_PLACEHOLDER);
    });

    for (const name of APPS) {
      it(`${name}: Temporal, MongoDB and SMTP addresses name services of the file on their ports`, () => {
        const config = configOf(name);
        assertServiceAt(config.temporal.address, {
          port: 7233,
          image: /^temporalio\/(auto-setup|server):/,
          what: `${name} TEMPORAL_ADDRESS`,
        });

        const mongo = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/.exec(config.mongodbUri);
        assert.ok(mongo, `${name} MONGODB_URI ${config.mongodbUri} is not a mongodb:// URI with hosts`);
        for (const host of (mongo[1] ?? '').split(',')) {
          assertServiceAt(host.includes(':') ? host : `${host}:27017`, {
            port: 27017,
            image: /^mongo:/,
            what: `${name} MONGODB_URI`,
          });
        }

        const smtp = new URL(config.smtpUrl);
        assertServiceAt(`${smtp.hostname}:${smtp.port}`, {
          port: 1025,
          image: /mailpit|mailhog|maildev|smtp4dev/,
          what: `${name} SMTP_URL`,
        });

        const deps = dependsOn(service(name));
        for (const needed of [config.temporal.address.split(':')[0], mongo[1]?.split(/[:,]/)[0]]) {
          assert.ok(needed && deps.includes(needed), `${name} does not depend on ${needed}`);
        }
      });
    }

    it('the API listens on 0.0.0.0 at the port it publishes, and its healthcheck asks /readyz there', () => {
      const api = service('api');
      const config = configOf('api');
      assert.equal(config.host, '0.0.0.0', 'inside a container the API must listen on all interfaces');
      const published = portMappings(api).filter((mapping) => mapping.target === config.port);
      assert.equal(published.length, 1, `api publishes no port for its PORT ${config.port}`);
      assert.equal(published[0]?.published, String(config.port), `api's PORT ${config.port} is published elsewhere`);
      const test = [api.healthcheck?.test ?? []].flat().join(' ');
      assert.match(
        test,
        new RegExp(`:${config.port}/readyz\\b`),
        `api healthcheck does not probe :${config.port}/readyz`,
      );
    });

    it('the workers and the API use the same Temporal server, namespace and task queue', () => {
      for (const name of WORKERS) assert.deepEqual(configOf(name).temporal, configOf('api').temporal, name);
    });

    it('the workers serve the main and the bulk task queues between them, one each', () => {
      assert.deepEqual(
        WORKERS.map((name) => configOf(name).workerQueues),
        ['main', 'bulk'],
      );
    });

    it('gives the worker and the API the same master key, required from the operator', () => {
      for (const name of APPS) {
        assert.match(rawEnvironment(service(name)).HOOKFLOW_MASTER_KEY ?? '', /^\$\{HOOKFLOW_MASTER_KEY:\?/, name);
        assert.equal(configOf(name).masterKey?.length, 32, name);
      }
    });
  });

  describe('traces: Jaeger', () => {
    it('the API and the workers send their traces to the Jaeger service over OTLP/HTTP', () => {
      for (const name of APPS) {
        const url = new URL(configOf(name).tracing?.tracesUrl ?? 'http://tracing-is-off:0');
        assertServiceAt(url.host, { port: 4318, image: /^jaegertracing\/all-in-one:/, what: `${name}'s traces` });
        assert.equal(url.pathname, '/v1/traces', name);
      }
    });
  });

  describe('metrics: Prometheus and Grafana', () => {
    it('the workers serve their metrics on all interfaces, on a port their containers declare', () => {
      for (const name of WORKERS) {
        const config = configOf(name);
        assert.equal(config.host, '0.0.0.0', `${name}: Prometheus scrapes it from another container`);
        assert.ok(config.workerMetricsPort, `${name} sets no HOOKFLOW_WORKER_METRICS_PORT`);
        assert.ok(containerPorts(service(name)).includes(config.workerMetricsPort), `${name} does not expose it`);
      }
    });

    it("Prometheus scrapes the API's /metrics with the admin key, and each worker's metrics port", () => {
      const prometheus = readYaml(mountedFrom('prometheus', '/etc/prometheus/prometheus.yml'));
      const jobs = (prometheus.scrape_configs ?? []) as any[];
      const targetsOf = (job: any): string[] => (job.static_configs ?? []).flatMap((c: any) => c.targets ?? []);
      const apiJob = jobs.find((job) => targetsOf(job).includes(`api:${configOf('api').port}`));
      assert.ok(apiJob, `no scrape job targets api:${configOf('api').port}`);
      assert.equal(apiJob.metrics_path ?? '/metrics', '/metrics');
      assert.equal(apiJob.authorization?.type ?? 'Bearer', 'Bearer');
      const keyFile = apiJob.authorization?.credentials_file as string;
      const mounted = (service('prometheus').configs ?? []).find(
        (config) => typeof config === 'object' && config.target === keyFile,
      );
      assert.ok(mounted && typeof mounted === 'object', `nothing of configs: is mounted at ${keyFile}`);
      assert.equal(
        compose.configs?.[mounted.source]?.content,
        rawEnvironment(service('api')).HOOKFLOW_ADMIN_KEY,
        "the key Prometheus sends is the API's admin key",
      );
      const scraped = jobs.flatMap(targetsOf);
      for (const name of WORKERS) {
        const target = `${name}:${configOf(name).workerMetricsPort}`;
        assert.ok(scraped.includes(target), `no scrape job targets ${target}`);
      }
    });

    it('Grafana gets the Prometheus datasource and the committed dashboard', () => {
      const provisioning = mountedFrom('grafana', '/etc/grafana/provisioning');
      const datasources = readYaml(join(provisioning, 'datasources', 'prometheus.yml')).datasources as any[];
      const prometheus = datasources.find((source) => source.type === 'prometheus');
      assert.ok(prometheus, 'no Prometheus datasource is provisioned');
      const url = new URL(prometheus.url as string);
      assertServiceAt(`${url.hostname}:${url.port}`, {
        port: 9090,
        image: /^prom\/prometheus:/,
        what: 'the Grafana datasource',
      });
      const providers = readYaml(join(provisioning, 'dashboards', 'hookflow.yml')).providers as any[];
      const dashboards = mountedFrom('grafana', providers[0]?.options?.path as string);
      assert.ok(existsSync(join(dashboards, 'hookflow.json')), 'the dashboard is not in the provisioned folder');
      for (const panel of readDashboard().panels) {
        for (const source of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]) {
          assert.equal(source?.uid, prometheus.uid, `${panel.title}: its datasource is not the provisioned one`);
        }
      }
    });

    it('the dashboard shows deliveries by outcome, p95 attempt latency, retries waiting and disabled hooks, from metrics the code exports', async () => {
      const expressions = readDashboard().panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr ?? ''));
      const asked = [
        /sum by \(outcome\) \(rate\(hookflow_deliveries_total\b/,
        /histogram_quantile\(0\.95, .*hookflow_attempt_duration_seconds_bucket\b/,
        /\bhookflow_retries_waiting\b/,
        /\bhookflow_hooks_disabled_total\b/,
      ];
      for (const pattern of asked)
        assert.ok(
          expressions.some((e) => pattern.test(e)),
          `no query matches ${pattern}`,
        );
      const exported = new Set([
        ...(await exportedSeries(createApiMetrics().registry)),
        ...(await exportedSeries(
          createWorkerMetrics({ countRetriesWaiting: () => Promise.resolve(0), onCountFailed: () => {} }).registry,
        )),
      ]);
      // The Temporal SDK's are checked against a real scrape in test/metrics.test.ts.
      const ours = dashboardSeries().filter((series) => series.startsWith('hookflow_'));
      assert.deepEqual(
        ours.filter((series) => !exported.has(series)),
        [],
        'the dashboard reads series the code does not export',
      );
    });
  });

  it('binds every published host port to 127.0.0.1', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const mapping of portMappings(svc)) {
        assert.equal(
          mapping.hostIp,
          '127.0.0.1',
          `${name}: container port ${mapping.target} is published on ${mapping.hostIp ?? 'all interfaces'}`,
        );
      }
    }
  });
});
