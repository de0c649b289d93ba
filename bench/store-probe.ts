/**
 * `npx tsx bench/store-probe.ts [--store postgresql|sqlite] [--sizes 0,100000,1000000]`:
 * what each hot query of Hookflow costs the database server (its CPU time,
 * FerretDB's and PostgreSQL's, not wall time: the machine is shared) as the
 * store grows. One small tenant (5 hooks, 500 deliveries) is measured while
 * the rest of the store belongs to others: 100 background owners, one owner
 * with a hook per 100 deliveries, an event per 5 deliveries. On PostgreSQL
 * each size is measured twice: without the dev stack's GIN expression
 * indexes, then with them. Each query is the real code's (the API's pages,
 * the fan-out's subscription lookup, the retention activity). `--variants
 * indexed` skips the unindexed pass.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Caller } from '../domain/caller';
import { deliveriesOfEvent, listDeliveries } from '../domain/deliveries';
import { deliveryId, eventKey } from '../domain/ids';
import { createModels, type Models } from '../domain/models';
import { connectMongo } from '../domain/mongo';
import { subscribedHooksFilter } from '../domain/subscriptions';
import { createRetentionActivities } from '../activities/retention';
import { withPostgres } from '../scripts/devstack/postgres';
import { expressionIndexFields, installExpressionIndexes } from '../scripts/devstack/ferretdb-indexes';
import { startMongo, type FerretDbStore, type MongoServer } from '../scripts/devstack/mongo';
import { DEVSTACK_DIR } from '../scripts/devstack/paths';
import { freePort } from '../scripts/devstack/ports';
import { startCpuReading } from './cpu';

const PROBE_OWNER = 'own_probe';
const PROBE_HOOKS = Array.from({ length: 5 }, (_, i) => `hook_probe_${i}`);
const PROBE_EVENTS = 100;
const EVENT_TYPE = 'order.created';
const DAY = 86_400_000;
const BATCH = 5_000;

function attempt(at: Date, ok: boolean) {
  return {
    startedAt: at,
    durationMs: 42,
    statusCode: ok ? 200 : 500,
    ...(ok ? {} : { errorKind: 'status', errorMessage: 'HTTP 500' }),
    responseHeaders: [
      { name: 'content-type', value: 'application/json' },
      { name: 'x-request-id', value: 'req_0123456789abcdef' },
    ],
    responseBody: ok ? '{"ok":true}' : '{"error":"upstream unavailable"}',
  };
}

function delivery(eventId: string, hookId: string, ownerId: string, createdAt: Date, failed: boolean) {
  return {
    _id: deliveryId(eventId, hookId),
    eventId,
    hookId,
    ownerId,
    status: failed ? 'failed' : 'succeeded',
    attemptsBeforeResume: 0,
    ...(failed ? { failureReason: 'The target answered HTTP 500 to every attempt' } : {}),
    attempts: [attempt(createdAt, !failed)],
    createdAt,
    updatedAt: createdAt,
  };
}

function event(id: string, ownerId: string, createdAt: Date) {
  return {
    _id: eventKey(ownerId, id),
    id,
    type: EVENT_TYPE,
    ownerId,
    resourceType: 'order',
    resourceId: `ord_${id}`,
    data: { orderId: id, total: 1999, currency: 'EUR', lines: [{ sku: 'sku_1', quantity: 2 }] },
    createdAt,
  };
}

function hook(id: string, ownerId: string, createdAt: Date) {
  return {
    _id: id,
    ownerId,
    name: id,
    events: [EVENT_TYPE],
    target: { type: 'http', url: 'https://receiver.example.test/hooks', method: 'POST' },
    status: 'enabled',
    delivery: {},
    signingSecrets: [],
    failureCount: 0,
    enabledCount: 0,
    createdAt,
    updatedAt: createdAt,
  };
}

async function insertInBatches(models: Models, collection: 'deliveries' | 'events' | 'hooks', docs: Iterable<object>) {
  const target = models.Delivery.db.collection(collection);
  let batch: object[] = [];
  for (const doc of docs) {
    batch.push(doc);
    if (batch.length === BATCH) {
      await target.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await target.insertMany(batch, { ordered: false });
}

/**
 * The probe tenant: 5 hooks, 100 events, 500 deliveries (a fifth failed), the
 * same at every size. Written again after each preload, so that its rows come
 * after the others' as a live tenant's latest do: FerretDB stops reading a
 * table at the first match of a `findOne`, and rows at its start would hide a scan.
 */
async function loadProbeTenant(models: Models, now: number) {
  for (const model of [models.Hook, models.Event, models.Delivery] as const) {
    await model.collection.deleteMany({ ownerId: PROBE_OWNER });
  }
  const at = (i: number) => new Date(now - DAY + i * 1000);
  await insertInBatches(
    models,
    'hooks',
    PROBE_HOOKS.map((id, i) => hook(id, PROBE_OWNER, at(i))),
  );
  const events = Array.from({ length: PROBE_EVENTS }, (_, i) => event(`evt_probe_${i}`, PROBE_OWNER, at(i)));
  await insertInBatches(models, 'events', events);
  await insertInBatches(
    models,
    'deliveries',
    events.flatMap((e, i) => PROBE_HOOKS.map((h, j) => delivery(e.id, h, PROBE_OWNER, at(i), (i + j) % 5 === 0))),
  );
}

/** Other tenants' records from `from` to `to` deliveries: a hook per 100 deliveries (one big owner), an event per 5. */
function* background(from: number, to: number, now: number, kind: 'deliveries' | 'events' | 'hooks') {
  const at = (i: number) => new Date(now - 7 * DAY + (i % 500_000) * 1000);
  for (let i = from; i < to; i++) {
    const eventIndex = Math.floor(i / 5);
    if (kind === 'deliveries') {
      yield delivery(
        `evt_bg_${eventIndex}`,
        `hook_bg_${i % Math.max(100, Math.floor(to / 100))}`,
        `own_bg_${eventIndex % 100}`,
        at(i),
        i % 7 === 0,
      );
    } else if (kind === 'events' && i % 5 === 0) {
      yield event(`evt_bg_${eventIndex}`, `own_bg_${eventIndex % 100}`, at(i));
    } else if (kind === 'hooks' && i % 100 === 0) {
      yield hook(`hook_bg_${i / 100}`, 'own_big', at(i));
    }
  }
}

type Query = { name: string; run: () => Promise<unknown> };

function hotQueries(models: Models): Query[] {
  const caller: Caller = { kind: 'owner', ownerId: PROBE_OWNER, keyId: 'key_probe' };
  const probeEvent = 'evt_probe_50';
  const probeDelivery = deliveryId(probeEvent, PROBE_HOOKS[2] as string);
  const retention = createRetentionActivities({ models });
  let cursor: string | undefined;
  let expiredRound = 0;
  return [
    { name: 'delivery by id', run: () => models.Delivery.findById(probeDelivery).lean() },
    {
      name: 'update delivery by id',
      run: () =>
        models.Delivery.updateOne(
          { _id: probeDelivery },
          { $set: { status: 'retrying', nextAttemptAt: new Date() }, $push: { attempts: attempt(new Date(), false) } },
        ),
    },
    { name: 'event by id', run: () => models.Event.findById(eventKey(PROBE_OWNER, probeEvent)).lean() },
    {
      name: 'subscription lookup',
      run: async () => {
        const stored = await models.Event.findById(eventKey(PROBE_OWNER, probeEvent)).lean();
        return models.Hook.find(subscribedHooksFilter(stored!)).sort({ _id: 1 }).lean();
      },
    },
    {
      name: 'hook page',
      run: async () => {
        const page = await listDeliveries(models, caller, { hookId: PROBE_HOOKS[1], limit: 50 });
        cursor = page.nextCursor;
        return page;
      },
    },
    {
      name: 'hook page, 2nd (cursor)',
      run: () => listDeliveries(models, caller, { hookId: PROBE_HOOKS[1], limit: 50, cursor }),
    },
    {
      name: 'hook page ?status=failed',
      run: () => listDeliveries(models, caller, { hookId: PROBE_HOOKS[1], status: 'failed', limit: 50 }),
    },
    { name: 'owner page', run: () => listDeliveries(models, caller, { limit: 50 }) },
    { name: "event's deliveries", run: () => deliveriesOfEvent(models, { id: probeEvent, ownerId: PROBE_OWNER }) },
    {
      name: 'fan-out retry: recorded deliveries',
      run: () =>
        models.Delivery.find(
          { _id: { $in: PROBE_HOOKS.map((h) => deliveryId(probeEvent, h)) } },
          { _id: 1, hookId: 1, status: 1, nextAttemptAt: 1 },
        ).lean(),
    },
    {
      name: 'insert 5 first-attempt records',
      run: () => {
        const id = `evt_probe_new_${Date.now()}_${Math.random()}`;
        return models.Delivery.insertMany(
          PROBE_HOOKS.map((h) => delivery(id, h, PROBE_OWNER, new Date(), false)),
          { lean: true },
        );
      },
    },
    {
      name: 'retention sweep, nothing expired',
      run: () => retention.deleteExpiredBatch({ retention: '30d', limit: 1000 }),
    },
    {
      name: 'retention sweep, 100 expired',
      run: async () => {
        // Set up outside the measurement by `prepare` below; this only deletes.
        return retention.deleteExpiredBatch({ retention: '30d', limit: 100 });
      },
    },
  ].map((query) => ({
    ...query,
    prepare:
      query.name === 'retention sweep, 100 expired'
        ? async () => {
            expiredRound++;
            const old = new Date(Date.now() - 60 * DAY);
            await insertInBatches(
              models,
              'deliveries',
              Array.from({ length: 100 }, (_, i) =>
                delivery(`evt_expired_${expiredRound}_${i}`, 'hook_gone', 'own_gone', old, false),
              ),
            );
          }
        : undefined,
  }));
}

/** Runs a query until 10 runs or 4 s, at least twice; answers the server CPU per run. */
async function measure(query: Query & { prepare?: () => Promise<void> }, groups: number[]) {
  let runs = 0;
  let cpuMs = 0;
  const started = Date.now();
  // A scan at a million rows takes minutes: one run of it says enough.
  while (runs < 2 || (runs < 10 && Date.now() - started < 4_000)) {
    if (runs === 1 && cpuMs > 20_000) break;
    await query.prepare?.();
    const cpu = startCpuReading({ server: groups });
    await query.run();
    cpuMs += cpu.since().server ?? 0;
    runs++;
  }
  return { cpuMsPerRun: cpuMs / runs, runs };
}

async function dropExpressionIndexes(url: string) {
  await withPostgres(url, async (client) => {
    await client.query('DROP EVENT TRIGGER IF EXISTS hookflow_index_new_ferretdb_tables');
    const found = await client.query(
      "SELECT schemaname, indexname FROM pg_indexes WHERE indexname LIKE '%\\_gin' AND schemaname NOT IN ('pg_catalog')",
    );
    for (const row of found.rows as { schemaname: string; indexname: string }[]) {
      await client.query(
        `DROP INDEX ${client.escapeIdentifier(row.schemaname)}.${client.escapeIdentifier(row.indexname)}`,
      );
    }
  });
}

async function analyze(url: string) {
  await withPostgres(url, (client) => client.query('ANALYZE'));
}

async function main() {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'postgresql' },
      sizes: { type: 'string', default: '0,100000' },
      // `indexed` measures PostgreSQL with the expression indexes only (what is left to learn at a million).
      variants: { type: 'string', default: 'both' },
    },
  });
  const store = values.store as FerretDbStore;
  const sizes = values.sizes.split(',').map(Number);
  const dataDir = join(DEVSTACK_DIR, `store-probe-${process.pid}`);
  const port = await freePort();
  const server: MongoServer = await startMongo({
    port,
    dataDir,
    name: `store-probe-${store}`,
    store,
    expressionIndexes: false,
  });
  // Interrupted, the servers (each in a process group of its own) go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(
      signal,
      () =>
        void server.stop().finally(() => {
          rmSync(dataDir, { recursive: true, force: true });
          process.exit(130);
        }),
    );
  }
  const groups = server.processes.map((managed) => managed.child.pid as number);
  const connection = await connectMongo(`mongodb://127.0.0.1:${port}/hookflow_probe`);
  const models = createModels(connection);
  const now = Date.now();
  const table: Record<string, Record<string, number>> = {};
  const log = (line: string) => console.log(`[store-probe] ${line}`);
  try {
    log(`${server.kind}`);
    let loaded = 0;
    for (const size of sizes) {
      const preloadCpu = startCpuReading({ server: groups });
      const preloadStarted = Date.now();
      for (const kind of ['hooks', 'events', 'deliveries'] as const) {
        await insertInBatches(models, kind, background(loaded, size, now, kind));
      }
      await loadProbeTenant(models, now);
      if (size > loaded) {
        log(
          `preloaded ${loaded} -> ${size} deliveries in ${((Date.now() - preloadStarted) / 1000).toFixed(0)} s, server CPU ${((preloadCpu.since().server ?? 0) / 1000).toFixed(0)} s`,
        );
      }
      loaded = Math.max(loaded, size);
      const variants = !server.postgresUrl
        ? ['SQLite']
        : values.variants === 'indexed'
          ? ['GIN expression indexes']
          : ['no extra index', 'GIN expression indexes'];
      for (const variant of variants) {
        if (server.postgresUrl) {
          if (variant === 'no extra index') await dropExpressionIndexes(server.postgresUrl);
          else {
            const indexStarted = Date.now();
            await withPostgres(server.postgresUrl, (client) =>
              installExpressionIndexes(client, expressionIndexFields()),
            );
            log(`created the expression indexes at ${size} in ${((Date.now() - indexStarted) / 1000).toFixed(0)} s`);
          }
          await analyze(server.postgresUrl);
        }
        const column = `${variant} @ ${size}`;
        table[column] = {};
        for (const query of hotQueries(models)) {
          const { cpuMsPerRun, runs } = await measure(query, groups);
          table[column][query.name] = cpuMsPerRun;
          log(`${column}: ${query.name}: ${cpuMsPerRun.toFixed(1)} ms server CPU (${runs} runs)`);
        }
      }
    }
    console.log(JSON.stringify({ store: server.kind, table }, null, 2));
  } finally {
    await connection.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
