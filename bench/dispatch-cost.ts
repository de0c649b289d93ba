/**
 * `tsx bench/dispatch-cost.ts [--events 10] [--rate 50] [--duration 20]`: what
 * the worker (and Temporal, and the store) spend per delivery when dispatches
 * of `--events` events each (5 hooks per event) are started straight on
 * Temporal at `--rate` events a second, the events stored beforehand: the
 * worker side of group commit (issue 13), before the API starts such
 * dispatches. `--events 1` is what the API does today. Prints the cost as JSON.
 *
 * Measured on the 2-core machine (PostgreSQL store, other stacks running), CPU
 * ms per delivery, 1 event a dispatch against 10: worker 3.48 / 1.03, Temporal
 * 4.46 / 0.58, database 1.09 / 0.35; history events per delivery 1.2 / 0.12.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config';
import type { DeliverDispatchInput } from '../shared/dispatch';
import { eventView } from '../core/stored-events';
import { eventKey, newId } from '../core/ids';
import { connectMongo } from '../infra/mongo';
import { connectTemporalClient } from '../infra/temporal-client';
import { startDispatchWorkflow } from '../infra/workflow-starters';
import { writeWorkflowBundle } from '../scripts/bundle-workflows';
import { DEVSTACK_DIR } from '../scripts/devstack/paths';
import { freeStackPorts, startStack } from '../scripts/devstack/stack';
import { stackContext, startCosting, startScenarioApp, type BenchContext } from './context';
import { BENCH_EVENT_DATA, createHttpHooks, createOwner, type BenchOwner } from './fixtures';
import { startReceivers } from './receivers';
import type { BenchApp } from './app';

const EVENT_TYPE = 'bench.stream';
const HOOKS_PER_EVENT = 5;

/** Stores `count` events of the owner as the API would, and answers them as a dispatch carries them. */
async function storeEvents(app: BenchApp, owner: BenchOwner, count: number) {
  const events = Array.from({ length: count }, () => {
    const id = newId('event');
    return { _id: eventKey(owner.id, id), id, ownerId: owner.id, type: EVENT_TYPE, data: BENCH_EVENT_DATA };
  });
  const stored = await app.models.Event.insertMany(events, { lean: false });
  return stored.map((event) => {
    const record = event.toObject();
    return { eventKey: record._id, content: { ...eventView(record), createdAt: record.createdAt.toISOString() } };
  });
}

/** Starts the events' dispatches, `perDispatch` events each, at `rate` events a second. */
async function dispatchAtRate(
  context: BenchContext,
  app: BenchApp,
  owner: BenchOwner,
  events: DeliverDispatchInput['events'],
  perDispatch: number,
  rate: number,
) {
  const started = performance.now();
  // Each start is caught at once: one refused while later ones wait their turn must not crash the script
  // before it stops its stack.
  const starts: Promise<unknown>[] = [];
  for (let i = 0; i < events.length; i += perDispatch) {
    await sleep(started + (i * 1000) / rate - performance.now());
    const dispatch: DeliverDispatchInput = { ownerId: owner.id, events: events.slice(i, i + perDispatch) };
    starts.push(
      startDispatchWorkflow(
        { temporal: context.temporal, taskQueue: app.taskQueue },
        { dispatchId: newId('dispatch'), input: dispatch, eventType: EVENT_TYPE },
      ).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
  }
  const failed = (await Promise.all(starts)).filter((outcome) => outcome !== undefined);
  if (failed.length > 0) throw new Error(`${failed.length} dispatches could not start`, { cause: failed[0] });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '10' },
      rate: { type: 'string', default: '50' },
      duration: { type: 'string', default: '20' },
    },
  });
  const perDispatch = Number(values.events);
  const rate = Number(values.rate);
  const count = Math.round(rate * Number(values.duration));
  const dataDir = join(DEVSTACK_DIR, `bench-dispatch-${process.pid}`);
  const stack = await startStack({ ports: await freeStackPorts(), dataDir, logPrefix: 'bench-dispatch-' });
  const receivers = await startReceivers(4);
  const temporal = await connectTemporalClient({
    address: stack.env.TEMPORAL_ADDRESS as string,
    namespace: loadConfig().temporal.namespace,
    taskQueue: '',
  });
  const mongo = await connectMongo(stack.env.MONGODB_URI as string);
  try {
    const workflowBundle = join(dataDir, 'workflow-bundle.js');
    await writeWorkflowBundle(workflowBundle);
    const context: BenchContext = {
      ...stackContext(stack, workflowBundle),
      temporal,
      mongo,
      receivers,
      log: (line) => console.log(`[dispatch-cost] ${line}`),
    };
    const app = await startScenarioApp(context, `dispatch-${perDispatch}`);
    try {
      const subscribe = async (name: string) => {
        const owner = await createOwner(app, name, EVENT_TYPE);
        await createHttpHooks(app, owner, {
          count: HOOKS_PER_EVENT,
          eventType: EVENT_TYPE,
          urlFor: (id, i) => receivers.urlFor(i, id),
        });
        return owner;
      };
      // Warm-up of an owner of its own, as the stream scenario does.
      const warmUp = await subscribe('warmup');
      await dispatchAtRate(context, app, warmUp, await storeEvents(app, warmUp, 40), perDispatch, 40);
      await receivers.waitForSucceeded(40 * HOOKS_PER_EVENT, 60_000);
      const owner = await subscribe('measured');
      const events = await storeEvents(app, owner, count);
      await receivers.take();
      const costPerDelivery = await startCosting(context, app);
      await dispatchAtRate(context, app, owner, events, perDispatch, rate);
      await receivers.waitForSucceeded(count * HOOKS_PER_EVENT, 120_000);
      const cost = await costPerDelivery(owner.id, count * HOOKS_PER_EVENT);
      console.log(JSON.stringify({ eventsPerDispatch: perDispatch, rate, events: count, ...cost }, null, 2));
    } finally {
      await app.stop();
    }
  } finally {
    await mongo.close();
    await temporal.connection.close();
    await receivers.stop();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
