import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, externalServices, loadConfig } from '../infra/config';

describe('config', () => {
  it('has working defaults for local development', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.temporal, { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'hookflow' });
    assert.equal(config.mongodbUri, 'mongodb://127.0.0.1:27017/hookflow');
    assert.equal(config.smtpUrl, 'smtp://127.0.0.1:1025');
    assert.equal(config.adminKey, undefined);
    assert.equal(config.allowPrivateTargets, false);
    assert.deepEqual(config.deliveryDefaults, {
      timeout: '15s',
      retrySchedule: ['5s', '5m', '30m', '2h', '5h', '10h', '10h'],
      retryOn: 'transient',
      disableAfter: { failures: 100, window: '24h' },
    });
  });

  it('reads the delivery defaults every hook gets unless it sets its own', () => {
    const config = loadConfig({
      HOOKFLOW_DELIVERY_TIMEOUT: '30s',
      HOOKFLOW_RETRY_SCHEDULE: '10s, 1m,1h',
      HOOKFLOW_DISABLE_AFTER_FAILURES: '20',
      HOOKFLOW_DISABLE_AFTER_WINDOW: '6h',
    });
    assert.deepEqual(config.deliveryDefaults, {
      timeout: '30s',
      retrySchedule: ['10s', '1m', '1h'],
      retryOn: 'transient',
      disableAfter: { failures: 20, window: '6h' },
    });
    assert.deepEqual(loadConfig({ HOOKFLOW_RETRY_SCHEDULE: 'none' }).deliveryDefaults.retrySchedule, []);
    assert.throws(() => loadConfig({ HOOKFLOW_RETRY_SCHEDULE: '5s,soon' }), /HOOKFLOW_RETRY_SCHEDULE: .*duration/);
    assert.throws(
      () => loadConfig({ HOOKFLOW_DELIVERY_TIMEOUT: '5m' }),
      /HOOKFLOW_DELIVERY_TIMEOUT: must be a duration from 100ms to 60s/,
    );
    // A hook may ask for 90 s; the default for every hook stays within 60 s.
    assert.throws(() => loadConfig({ HOOKFLOW_DELIVERY_TIMEOUT: '90s' }), /HOOKFLOW_DELIVERY_TIMEOUT/);
    assert.throws(() => loadConfig({ HOOKFLOW_DISABLE_AFTER_FAILURES: '0' }), /HOOKFLOW_DISABLE_AFTER_FAILURES/);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'hooks',
      TEMPORAL_TASK_QUEUE: 'deliveries',
      MONGODB_URI: 'mongodb://db:27017/x',
      SMTP_URL: 'smtps://user:pass@mail:465',
      HOOKFLOW_ADMIN_KEY: 'k'.repeat(32),
      HOOKFLOW_ALLOW_PRIVATE_TARGETS: '1',
    });
    assert.equal(config.port, 8080);
    assert.deepEqual(config.temporal, { address: 'temporal:7233', namespace: 'hooks', taskQueue: 'deliveries' });
    assert.equal(config.mongodbUri, 'mongodb://db:27017/x');
    assert.equal(config.smtpUrl, 'smtps://user:pass@mail:465');
    assert.equal(config.adminKey, 'k'.repeat(32));
    assert.equal(config.allowPrivateTargets, true);
  });

  it("reads how long an owner's stream waits to share a workflow, and which queues a worker serves", () => {
    assert.equal(loadConfig({}).dispatchInterval, '100ms');
    assert.equal(loadConfig({ HOOKFLOW_DISPATCH_INTERVAL: '0ms' }).dispatchInterval, '0ms');
    assert.equal(loadConfig({ HOOKFLOW_DISPATCH_INTERVAL: '250ms' }).dispatchInterval, '250ms');
    assert.throws(
      () => loadConfig({ HOOKFLOW_DISPATCH_INTERVAL: '2s' }),
      /HOOKFLOW_DISPATCH_INTERVAL: must be a duration from 0ms to 1s/,
    );
    assert.equal(loadConfig({}).workerQueues, 'all');
    assert.equal(loadConfig({ HOOKFLOW_WORKER_QUEUES: 'bulk' }).workerQueues, 'bulk');
    assert.throws(() => loadConfig({ HOOKFLOW_WORKER_QUEUES: 'fast' }), /HOOKFLOW_WORKER_QUEUES/);
  });

  it("reads the worker's metrics port: unset or 0 serves none", () => {
    assert.equal(loadConfig({}).workerMetricsPort, undefined);
    assert.equal(loadConfig({ HOOKFLOW_WORKER_METRICS_PORT: '0' }).workerMetricsPort, undefined);
    assert.equal(loadConfig({ HOOKFLOW_WORKER_METRICS_PORT: '9464' }).workerMetricsPort, 9464);
    assert.throws(() => loadConfig({ HOOKFLOW_WORKER_METRICS_PORT: '70000' }), /HOOKFLOW_WORKER_METRICS_PORT/);
    // The dev stack picks its own ports unless told, and tells "none" from "unset".
    assert.equal(externalServices({}).workerMetricsPort, undefined);
    assert.equal(externalServices({ HOOKFLOW_WORKER_METRICS_PORT: '0' }).workerMetricsPort, 0);
    assert.equal(externalServices({ HOOKFLOW_WORKER_METRICS_PORT: '9500' }).workerMetricsPort, 9500);
  });

  it("reads who may frame the portal: 'self' unless told, 'none', or 'self' and origins", () => {
    assert.equal(loadConfig({}).portalFrameAncestors, "'self'");
    const origins = "'self' https://app.acme.example https://*.acme.example:8443";
    assert.equal(loadConfig({ HOOKFLOW_PORTAL_FRAME_ANCESTORS: origins }).portalFrameAncestors, origins);
    assert.equal(loadConfig({ HOOKFLOW_PORTAL_FRAME_ANCESTORS: "'none'" }).portalFrameAncestors, "'none'");
    // Anything else could break out of the CSP header or mean something else in it.
    for (const bad of [
      "'none' https://a.example",
      '*',
      'https://a.example; script-src *',
      "'unsafe-inline'",
      'a.example',
    ]) {
      assert.throws(
        () => loadConfig({ HOOKFLOW_PORTAL_FRAME_ANCESTORS: bad }),
        /HOOKFLOW_PORTAL_FRAME_ANCESTORS: must be 'none', or 'self' and origins/,
        bad,
      );
    }
  });

  it('stops on a bad value with a message naming the variable and the value', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', HOOKFLOW_ADMIN_KEY: 'short' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 3);
        assert.match(error.message, /PORT: .*"eighty"/);
        assert.match(error.message, /MONGODB_URI: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URI/);
        assert.match(error.message, /HOOKFLOW_ADMIN_KEY: must be at least 24 characters/);
        return true;
      },
    );
    assert.throws(() => loadConfig({ HOOKFLOW_ALLOW_PRIVATE_TARGETS: 'yes' }), /HOOKFLOW_ALLOW_PRIVATE_TARGETS/);
    assert.throws(() => loadConfig({ TEMPORAL_ADDRESS: 'http://temporal' }), /TEMPORAL_ADDRESS: must be host:port/);
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ PORT: '', HOOKFLOW_ADMIN_KEY: '' }).port, 3000);
    assert.deepEqual(externalServices({ TEMPORAL_ADDRESS: '', MONGODB_URI: '' }), {
      temporalAddress: undefined,
      mongodbUri: undefined,
      smtpUrl: undefined,
      adminKey: undefined,
      allowPrivateTargets: undefined,
      workerMetricsPort: undefined,
    });
  });

  it('tells the dev stack which services the operator already runs', () => {
    const given = externalServices({ MONGODB_URI: 'mongodb://elsewhere:27017/h', HOOKFLOW_ALLOW_PRIVATE_TARGETS: '0' });
    assert.equal(given.mongodbUri, 'mongodb://elsewhere:27017/h');
    assert.equal(given.temporalAddress, undefined);
    assert.equal(given.allowPrivateTargets, false);
  });
});
