import { eventKey } from '../../core/ids';
import { eventWorkflowId } from '../../shared/temporal-names';
import { postDirectly } from '../baseline';
import { startCosting, startScenarioApp, type BenchContext } from '../context';
import { BENCH_EVENT_DATA, createHttpHooks, createOwner, postEvent, webhookIds } from '../fixtures';
import { round } from '../stats';

const EVENT_TYPE = 'bench.fanout';
/** A small fan-out first, so that the measured one does not pay for the processes' warm-up (JIT, pools). */
const WARM_UP_HOOKS = 50;

/** The body a hook in the standard format receives, for the baseline to send the same bytes. */
export function standardBody(): string {
  return JSON.stringify({ type: EVENT_TYPE, timestamp: new Date().toISOString(), data: BENCH_EVENT_DATA });
}

/** The baseline: the same number of POSTs, from a plain client, to the same receivers. */
export async function runBaseline(context: BenchContext, hooks: number, concurrency: number) {
  const urls = Array.from({ length: hooks }, (_, i) => context.receivers.urlFor(i, `baseline-${i}`));
  await postDirectly(urls.slice(0, WARM_UP_HOOKS), standardBody(), concurrency);
  await context.receivers.take();
  const sent = await postDirectly(urls, standardBody(), concurrency);
  const received = await context.receivers.take();
  if (received.succeeded !== hooks) throw new Error(`baseline: ${received.succeeded} of ${hooks} received`);
  return {
    hooks,
    concurrency,
    elapsedMs: round(sent.elapsedMs),
    deliveriesPerSecond: round(sent.deliveriesPerSecond, 0),
    receiverBusy: round(received.busiest.busy, 2),
  };
}

/** One event to `hooks` HTTP hooks: from the POST to the last request received. */
export async function runFanOut(context: BenchContext, hooks: number) {
  const app = await startScenarioApp(context, `fanout-${hooks}`);
  try {
    const { receivers } = context;
    const warmUp = await createOwner(app, 'warmup', EVENT_TYPE);
    await createHttpHooks(app, warmUp, {
      count: WARM_UP_HOOKS,
      eventType: EVENT_TYPE,
      urlFor: (id, i) => receivers.urlFor(i, id),
    });
    await postEvent(app, warmUp, EVENT_TYPE);
    await receivers.waitForSucceeded(WARM_UP_HOOKS, 60_000);

    const owner = await createOwner(app, 'fanout', EVENT_TYPE);
    const hookIds = await createHttpHooks(app, owner, {
      count: hooks,
      eventType: EVENT_TYPE,
      urlFor: (id, i) => receivers.urlFor(i, id),
    });
    context.log(`fanout: ${hooks} hooks created`);
    await receivers.take();

    const costPerDelivery = await startCosting(context, app);
    const postedAt = performance.timeOrigin + performance.now();
    const eventId = await postEvent(app, owner, EVENT_TYPE);
    await receivers.waitForSucceeded(hooks, 30 * 60_000);
    const received = await receivers.take();
    await context.temporal.workflow.getHandle(eventWorkflowId(eventKey(owner.id, eventId))).result();

    const expected = webhookIds(eventId, hookIds);
    const missing = expected.filter((id) => !received.arrivals.has(id));
    if (missing.length > 0) throw new Error(`fanout: ${missing.length} hooks received nothing`);
    const lastAt = expected.reduce((latest, id) => Math.max(latest, ...(received.arrivals.get(id) as number[])), 0);
    const elapsedMs = lastAt - postedAt;
    return {
      hooks,
      elapsedMs: round(elapsedMs),
      deliveriesPerSecond: round((hooks / elapsedMs) * 1000, 0),
      duplicates: received.count - hooks,
      receiverBusy: round(received.busiest.busy, 2),
      ...(await costPerDelivery(owner.id, hooks)),
      peakRss: app.peakRss(),
    };
  } finally {
    await app.stop();
  }
}
