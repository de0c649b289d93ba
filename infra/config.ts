import { z } from 'zod';
import { BUILT_IN_DELIVERY_SETTINGS, deliverySetting, type DeliverySettings } from '../core/delivery-settings';
import { duration } from '../core/durations';
import type { OwnerId } from '../core/ids';
import { DISPATCH_INTERVAL_MS } from '../shared/dispatch';
import { LOG_FORMATS, type LogFormat } from './logger';

/** After `failures` failed attempts to one host within `window`, sends to it wait `pause`. */
export interface HostBreakerSettings {
  failures: number;
  window: string;
  pause: string;
}

/**
 * The one place that reads the environment. Everything else receives a typed
 * `Config` (or the pieces it needs) from its caller.
 */

const DEFAULTS = {
  PORT: 3000,
  // Loopback unless told otherwise: a container sets 0.0.0.0 on purpose.
  HOST: '127.0.0.1',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TEMPORAL_NAMESPACE: 'default',
  TEMPORAL_TASK_QUEUE: 'hookflow',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/hookflow',
  SMTP_URL: 'smtp://127.0.0.1:1025',
} as const;

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, for example 127.0.0.1:7233');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.PORT),
  HOST: z.string().min(1).default(DEFAULTS.HOST),
  TEMPORAL_ADDRESS: hostPort.default(DEFAULTS.TEMPORAL_ADDRESS),
  TEMPORAL_NAMESPACE: z.string().min(1).default(DEFAULTS.TEMPORAL_NAMESPACE),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULTS.TEMPORAL_TASK_QUEUE),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')
    .default(DEFAULTS.MONGODB_URI),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL')
    .default(DEFAULTS.SMTP_URL),
  HOOKFLOW_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters (use a random key)').optional(),
  HOOKFLOW_ALLOW_PRIVATE_TARGETS: flag,
  HOOKFLOW_CHECK_RESPONSES: flag,
  /** 32 random bytes, base64: the key that encrypts hook secrets at rest. */
  HOOKFLOW_MASTER_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  HOOKFLOW_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  /** The sender of the mails Hookflow sends owners. */
  HOOKFLOW_EMAIL_FROM: z.string().min(3).default('Hookflow <no-reply@hookflow.invalid>'),
  /** The API's public address, for links in those mails. */
  HOOKFLOW_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Who may embed the owner portal in a frame: the sources of its Content-Security-Policy's `frame-ancestors`,
   * space-separated (`'self'`, `'none'`, origins such as `https://app.example.com` or `https://*.example.com`).
   */
  HOOKFLOW_PORTAL_FRAME_ANCESTORS: z
    .string()
    .trim()
    .regex(
      /^(?:'none'|(?:'self'|https?:\/\/(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?)(?: +(?:'self'|https?:\/\/(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?))*)$/i,
      "must be 'none', or 'self' and origins such as https://app.example.com, space-separated",
    )
    .default("'self'"),
  /** Where the dev stack's SMTP catcher lists the mails it caught; unset with a real SMTP server. */
  HOOKFLOW_MAILBOX_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS).default('json'),
  /** Events, deliveries and replays older than this are deleted by a scheduled workflow. */
  HOOKFLOW_RETENTION: duration({ min: '1h', max: '3650d' }).default('30d'),
  /** Deliveries a second a replay or recovery sends to one hook, unless the request asks for fewer. */
  HOOKFLOW_REPLAY_RATE: z.coerce.number().int().min(1).max(1000).default(10),
  /**
   * How long `POST /v1/hooks/:id/test` waits for a worker, on top of the
   * hook's own delivery timeout, before it answers 504 and drops the test.
   */
  HOOKFLOW_HOOK_TEST_WAIT: duration({ min: '100ms', max: '5m' }).default('10s'),
  /**
   * A workflow bundle built by `npm run build` (dist/workflow-bundle.js). The
   * worker loads it instead of bundling the workflows itself at start, which
   * takes seconds and a few hundred MB, as Temporal advises for production.
   */
  HOOKFLOW_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /**
   * Which task queues this worker process serves: `main` (every workflow and
   * activity), `bulk` (what large fan-outs have left, see bulkTaskQueue), or
   * `all`. The dev stack runs one process of each, so that a big fan-out's
   * sends and records do not hold up other owners' dispatches in one event loop.
   */
  HOOKFLOW_WORKER_QUEUES: z.enum(['all', 'main', 'bulk']).default('all'),
  /**
   * The worker's Prometheus metrics (its own and the Temporal SDK's) on this
   * port, at HOST; unset or 0: none. Off by default because a host runs
   * several worker processes (main and bulk), which cannot share one port.
   */
  HOOKFLOW_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * An owner's events start at most one workflow per this interval and API
   * process (see EventDispatcher): a longer one makes an owner's stream share
   * fewer, larger workflows, cheaper in CPU, and lets each delivery wait up to
   * that long after its 202. `0ms`: a workflow for every post.
   */
  HOOKFLOW_DISPATCH_INTERVAL: duration({ max: '1s' }).default(`${DISPATCH_INTERVAL_MS}ms`),
  /**
   * The breaker per target host: after this many failed attempts to one host
   * within the window, over all hooks and workers, sends to that host wait
   * for the pause (Braze's rule: 3,000 errors in a minute pause it a minute).
   */
  HOOKFLOW_HOST_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000_000).default(3_000),
  HOOKFLOW_HOST_BREAKER_WINDOW: duration({ min: '1s', max: '1h' }).default('1m'),
  HOOKFLOW_HOST_BREAKER_PAUSE: duration({ min: '1s', max: '1h' }).default('1m'),
  /**
   * An owner (its id, `own_...`) that receives every owner's operational events
   * (hookflow.*, core/operational-events.ts) as events of its own too, for the
   * producer's own systems; unset: each owner receives only its own.
   */
  HOOKFLOW_OPERATOR_OWNER: z
    .string()
    .regex(/^own_[0-9a-hjkmnp-tv-z]{26}$/, 'must be an owner id (own_ and 26 base32 characters)')
    .brand<'owner'>()
    .optional(),
  /** Delivery defaults for every hook that does not set its own; see delivery-settings.ts for the bounds. */
  HOOKFLOW_DELIVERY_TIMEOUT: deliverySetting.defaultTimeout.default(BUILT_IN_DELIVERY_SETTINGS.timeout),
  /** Comma-separated waits, for example `5s,5m,30m`; `none` retries nothing. */
  HOOKFLOW_RETRY_SCHEDULE: z
    .string()
    .transform((list) => (list.trim() === 'none' ? [] : list.split(',').map((item) => item.trim())))
    .pipe(deliverySetting.retrySchedule)
    .default(BUILT_IN_DELIVERY_SETTINGS.retrySchedule),
  HOOKFLOW_DISABLE_AFTER_FAILURES: z.coerce
    .number()
    .pipe(deliverySetting.disableAfterFailures)
    .default(BUILT_IN_DELIVERY_SETTINGS.disableAfter.failures),
  HOOKFLOW_DISABLE_AFTER_WINDOW: deliverySetting.disableAfterWindow.default(
    BUILT_IN_DELIVERY_SETTINGS.disableAfter.window,
  ),
  /**
   * OpenTelemetry tracing (infra/tracing.ts), off unless one of these names a
   * collector: the standard variables, the second for traces alone (used as is,
   * where the first gets `/v1/traces` appended).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP over HTTP, protobuf (the standard's default) or JSON; gRPC is not supported. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** The traces' `service.name`; unset: `hookflow-api` or `hookflow-worker`. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** How long finished spans wait to be sent together, in ms (the standard's default, 5000). */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(0).max(60_000).default(5_000),
});

export interface Config {
  port: number;
  host: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  mongodbUri: string;
  smtpUrl: string;
  /** Bearer key with full rights. Required by the API, not by the worker. */
  adminKey: string | undefined;
  /** Lets hooks target loopback and private addresses (tests, local development). */
  allowPrivateTargets: boolean;
  /** Every API answer is checked against the schema its route publishes (tests turn it on). */
  checkResponses: boolean;
  /** Encrypts secrets at rest. Required by the API and the worker; the dev stack generates one. */
  masterKey: Buffer | undefined;
  /** Request bodies above this are refused with a 413. */
  maxBodyBytes: number;
  mailboxUrl: string | undefined;
  emailFrom: string;
  /** Defaults to http://HOST:PORT. */
  publicUrl: string;
  /** The portal's `frame-ancestors` sources (HOOKFLOW_PORTAL_FRAME_ANCESTORS). */
  portalFrameAncestors: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** `json` lines for log shippers, or `pretty` for a terminal (infra/logger.ts). */
  logFormat: LogFormat;
  /** For hooks that do not set their own. */
  deliveryDefaults: DeliverySettings;
  /** Replays and recoveries send at most this many deliveries a second. */
  replayRate: number;
  /** A hook test gives up this long after the hook's own timeout (HOOKFLOW_HOOK_TEST_WAIT). */
  hookTestWait: string;
  /** How long events, deliveries and replays are kept. */
  retention: string;
  /** When a target host's failures pause it (HOOKFLOW_HOST_BREAKER_*). */
  hostBreaker: HostBreakerSettings;
  /** At most one workflow per owner and API process per this interval (HOOKFLOW_DISPATCH_INTERVAL). */
  dispatchInterval: string;
  /**
   * A prebuilt workflow bundle for the worker; absent, it bundles workflows/ at start. With tracing on,
   * the worker loads its traced twin instead (tracedWorkflowBundle).
   */
  workflowBundle: string | undefined;
  /** The task queues a worker process serves (HOOKFLOW_WORKER_QUEUES). */
  workerQueues: 'all' | 'main' | 'bulk';
  /** The owner that receives every owner's operational events too (HOOKFLOW_OPERATOR_OWNER). */
  operatorOwnerId: OwnerId | undefined;
  /** Where the worker serves its metrics (HOOKFLOW_WORKER_METRICS_PORT); absent: it serves none. */
  workerMetricsPort: number | undefined;
  /** Where and how traces go (OTEL_*); absent: tracing is off. */
  tracing: TracingSettings | undefined;
}

export interface TracingSettings {
  /** The OTLP/HTTP traces URL, `/v1/traces` included. */
  tracesUrl: string;
  protocol: 'http/protobuf' | 'http/json';
  /** Unset: the process names itself. */
  serviceName: string | undefined;
  scheduleDelayMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, as shells and compose files often leave them. */
function withoutEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}: ${issue.message} (got ${JSON.stringify(env[name])})`;
      }),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
    },
    mongodbUri: e.MONGODB_URI,
    smtpUrl: e.SMTP_URL,
    adminKey: e.HOOKFLOW_ADMIN_KEY,
    allowPrivateTargets: e.HOOKFLOW_ALLOW_PRIVATE_TARGETS,
    checkResponses: e.HOOKFLOW_CHECK_RESPONSES,
    masterKey: e.HOOKFLOW_MASTER_KEY === undefined ? undefined : Buffer.from(e.HOOKFLOW_MASTER_KEY, 'base64'),
    maxBodyBytes: e.HOOKFLOW_MAX_BODY_BYTES,
    mailboxUrl: e.HOOKFLOW_MAILBOX_URL,
    emailFrom: e.HOOKFLOW_EMAIL_FROM,
    publicUrl: (e.HOOKFLOW_PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      '',
    ),
    portalFrameAncestors: e.HOOKFLOW_PORTAL_FRAME_ANCESTORS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    deliveryDefaults: {
      timeout: e.HOOKFLOW_DELIVERY_TIMEOUT,
      retrySchedule: e.HOOKFLOW_RETRY_SCHEDULE,
      // A hook's own choice only: the default classification is the platform's.
      retryOn: BUILT_IN_DELIVERY_SETTINGS.retryOn,
      disableAfter: { failures: e.HOOKFLOW_DISABLE_AFTER_FAILURES, window: e.HOOKFLOW_DISABLE_AFTER_WINDOW },
    },
    replayRate: e.HOOKFLOW_REPLAY_RATE,
    hookTestWait: e.HOOKFLOW_HOOK_TEST_WAIT,
    retention: e.HOOKFLOW_RETENTION,
    dispatchInterval: e.HOOKFLOW_DISPATCH_INTERVAL,
    hostBreaker: {
      failures: e.HOOKFLOW_HOST_BREAKER_FAILURES,
      window: e.HOOKFLOW_HOST_BREAKER_WINDOW,
      pause: e.HOOKFLOW_HOST_BREAKER_PAUSE,
    },
    workflowBundle: e.HOOKFLOW_WORKFLOW_BUNDLE,
    workerQueues: e.HOOKFLOW_WORKER_QUEUES,
    workerMetricsPort: e.HOOKFLOW_WORKER_METRICS_PORT || undefined,
    operatorOwnerId: e.HOOKFLOW_OPERATOR_OWNER,
    tracing: tracingSettings(e),
  };
}

function tracingSettings(e: z.infer<typeof envSchema>): TracingSettings | undefined {
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`);
  if (!tracesUrl) return undefined;
  return {
    tracesUrl,
    protocol: e.OTEL_EXPORTER_OTLP_PROTOCOL,
    serviceName: e.OTEL_SERVICE_NAME,
    scheduleDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
  };
}

/** The variables the config module understands, so that scripts can hand them to children. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];
export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
export type ConfigEnv = Partial<Record<ConfigVariable, string>>;

/**
 * Services the operator already runs. The dev stack starts its own only for
 * those left unset here.
 */
export function externalServices(env: Env = process.env): {
  temporalAddress?: string;
  mongodbUri?: string;
  smtpUrl?: string;
  adminKey?: string;
  /** Only when set explicitly, so that the dev stack can pick its own default. */
  allowPrivateTargets?: boolean;
  /** Only when set explicitly, as above; 0 when it turns the worker's metrics off. */
  workerMetricsPort?: number;
} {
  const config = loadConfig(env);
  const set = withoutEmpty(env);
  return {
    temporalAddress: set.TEMPORAL_ADDRESS && config.temporal.address,
    mongodbUri: set.MONGODB_URI && config.mongodbUri,
    smtpUrl: set.SMTP_URL && config.smtpUrl,
    adminKey: config.adminKey,
    allowPrivateTargets: set.HOOKFLOW_ALLOW_PRIVATE_TARGETS === undefined ? undefined : config.allowPrivateTargets,
    workerMetricsPort: set.HOOKFLOW_WORKER_METRICS_PORT === undefined ? undefined : (config.workerMetricsPort ?? 0),
  };
}

/**
 * The twin of a prebuilt workflow bundle that holds tracing's workflow interceptors, written beside it
 * (scripts/bundle-workflows.ts): `dist/workflow-bundle.js` has `dist/workflow-bundle.traced.js`. A worker
 * that does not trace loads the plain one: the interceptors, inert there, cost it 0.17 ms of CPU per delivery
 * (README, Tracing).
 */
export function tracedWorkflowBundle(bundle: string): string {
  return bundle.replace(/(\.js)?$/, '.traced.js');
}

export function requireMasterKey(config: Pick<Config, 'masterKey'>): Buffer {
  if (!config.masterKey) {
    throw new ConfigError(['HOOKFLOW_MASTER_KEY: must be set (32 random bytes, base64) to encrypt secrets at rest']);
  }
  return config.masterKey;
}

/** The environment a child process should get: ours, with the given variables set. */
export function childEnv(overrides: ConfigEnv): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
