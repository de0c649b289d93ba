import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { startApi } from '../../api/main';
import { createHttpClient } from '../../activities/http/client';
import { loadConfig, requireMasterKey, type Config } from '../../infra/config';
import { idOf } from '../../core/ids';
import { createLogger } from '../../infra/logger';
import { createModels } from '../../infra/models';
import { connectMongo } from '../../infra/mongo';
import { createSecretBox } from '../../infra/secret-box';
import { connectTemporalClient } from '../../infra/temporal-client';
import { installTemporalRuntime } from '../../infra/temporal-runtime';
import { createWorker } from '../../worker';

/**
 * A whole Hookflow (worker and API) on the stack `npm test` started, with a
 * database and a task queue of its own so that test files cannot see each
 * other's data or steal each other's tasks. With `worker: false` no worker
 * runs in this process: the test starts worker processes of its own.
 * `deliveryDefaults` stands for the HOOKFLOW_* delivery variables;
 * `temporalAddress` and `mongodbUri` point it at a Temporal server or a store
 * the test runs itself.
 * `allowPrivateTargets: false` turns the address guard on, as in production;
 * `hookTestWait` stands for HOOKFLOW_HOOK_TEST_WAIT, `hostBreaker` for HOOKFLOW_HOST_BREAKER_*,
 * `operatorOwnerId` for HOOKFLOW_OPERATOR_OWNER.
 */
export async function startHookflow(
  options: {
    worker?: boolean;
    deliveryDefaults?: Config['deliveryDefaults'];
    temporalAddress?: string;
    allowPrivateTargets?: boolean;
    hookTestWait?: string;
    mongodbUri?: string;
    hostBreaker?: Config['hostBreaker'];
    operatorOwnerId?: Config['operatorOwnerId'];
  } = {},
) {
  const base = loadConfig();
  const suffix = randomBytes(4).toString('hex');
  const mongoUrl = new URL(options.mongodbUri ?? base.mongodbUri);
  mongoUrl.pathname = `/hookflow_test_${suffix}`;
  const config: Config = {
    ...base,
    port: 0,
    mongodbUri: mongoUrl.toString(),
    temporal: {
      ...base.temporal,
      address: options.temporalAddress ?? base.temporal.address,
      taskQueue: `hookflow-test-${suffix}`,
    },
    deliveryDefaults: options.deliveryDefaults ?? base.deliveryDefaults,
    allowPrivateTargets: options.allowPrivateTargets ?? base.allowPrivateTargets,
    hookTestWait: options.hookTestWait ?? base.hookTestWait,
    hostBreaker: options.hostBreaker ?? base.hostBreaker,
    operatorOwnerId: options.operatorOwnerId ?? base.operatorOwnerId,
  };
  const logger = createLogger(config.logLevel, 'test');
  installTemporalRuntime(logger);

  const mongo = await connectMongo(config.mongodbUri);
  const http = createHttpClient({ allowPrivateTargets: config.allowPrivateTargets });
  const secrets = createSecretBox(requireMasterKey(config));
  const temporal = await connectTemporalClient(config.temporal);
  const mailer = nodemailer.createTransport(config.smtpUrl);
  const inProcess =
    options.worker === false
      ? undefined
      : await createWorker(config, { models: createModels(mongo), http, secrets, temporal, mailer });
  const running = inProcess?.worker.run();
  const api = await startApi(config, logger);
  const adminKey = config.adminKey as string;

  /**
   * Calls the API with the admin key, another key (`key`), or none (`key: null`);
   * `baseUrl` names another API process on the same stack.
   */
  async function request(
    method: string,
    path: string,
    body?: unknown,
    options: { key?: string | null; headers?: Record<string, string>; baseUrl?: string } = {},
  ) {
    const key = options.key === undefined ? adminKey : options.key;
    const response = await fetch(`${options.baseUrl ?? api.url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: response.status, body: json, headers: response.headers };
  }

  /** An owner and its API key, for tests that act as that owner. */
  async function createOwner(name = 'Owner') {
    const created = await request('POST', '/v1/owners', {
      name,
      email: `${name.toLowerCase().replace(/\W/g, '')}@example.test`,
    });
    if (created.status !== 201) throw new Error(`Could not create owner: ${JSON.stringify(created.body)}`);
    return { id: idOf('owner', created.body.id as string), apiKey: created.body.apiKey as string };
  }

  return {
    url: api.url,
    config,
    temporal,
    /** The raw database, for checking what is really stored. */
    mongo,
    models: createModels(mongo),
    secrets,
    request,
    createOwner,
    async stop() {
      await api.close();
      inProcess?.worker.shutdown();
      await running;
      mailer.close();
      await Promise.all([inProcess?.connection.close(), temporal.connection.close(), http.close()]);
      await mongo.dropDatabase();
      await mongo.close();
    },
  };
}

export type Hookflow = Awaited<ReturnType<typeof startHookflow>>;
