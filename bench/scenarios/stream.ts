import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { newId, type EventId, type HookId } from '../../core/ids';
import type { BenchApp } from '../app';
import { startCosting, startScenarioApp, type BenchContext } from '../context';
import { BENCH_EVENT_DATA, createHttpHooks, createOwner, webhookIds } from '../fixtures';
import type { Received, Receivers } from '../receivers';
import { latencySummary, round } from '../stats';

const EVENT_TYPE = 'bench.stream';
export const HOOKS_PER_EVENT = 5;
/** How long a run's deliveries may take to drain after its last event before the run counts as fallen behind. */
const DRAIN_LIMIT_MS = 60_000;
const WARM_UP_EVENTS = 20;

export interface StreamOptions {
  /** Events a second, each held for `durationS`, reported with latencies. */
  rates: number[];
  durationS: number;
  /** Rising rates, each held for `rampDurationS` until one is not sustained: the highest sustained is the stack's limit. */
  rampRates: number[];
  rampDurationS: number;
}

/** An owner of the stream's events with HOOKS_PER_EVENT hooks, spread over the receivers. */
export async function subscribeStreamOwner(app: BenchApp, receivers: Receivers, name: string) {
  const owner = await createOwner(app, name, EVENT_TYPE);
  const hookIds = await createHttpHooks(app, owner, {
    count: HOOKS_PER_EVENT,
    eventType: EVENT_TYPE,
    urlFor: (id, i) => receivers.urlFor(i, id),
  });
  return { owner, hookIds };
}

/** Posts the events at `rate` a second without waiting for answers (an open loop, as producers post). */
export async function postAtRate(url: string, apiKey: string, eventIds: readonly string[], rate: number) {
  const agent = new Agent({ connections: 64 });
  const acceptedAt = new Map<string, number>();
  const started = performance.now();
  try {
    await Promise.all(
      eventIds.map(async (eventId, i) => {
        await sleep(started + (i * 1000) / rate - performance.now());
        const response = await request(`${url}/v1/events`, {
          method: 'POST',
          dispatcher: agent,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id: eventId, type: EVENT_TYPE, data: BENCH_EVENT_DATA }),
        });
        await response.body.dump();
        if (response.statusCode !== 202) throw new Error(`stream: an event was answered ${response.statusCode}`);
        acceptedAt.set(eventId, performance.timeOrigin + performance.now());
      }),
    );
  } finally {
    await agent.close();
  }
  return { acceptedAt, postedForS: (performance.now() - started) / 1000 };
}

/** Each delivery's time from its event's 202 to its first arrival, and the last arrival. */
export function deliveryLatencies(
  received: Received,
  eventIds: readonly EventId[],
  hookIds: readonly HookId[],
  acceptedAt: ReadonlyMap<string, number>,
) {
  const latencies: number[] = [];
  let lastArrival = 0;
  for (const eventId of eventIds) {
    for (const id of webhookIds(eventId, hookIds)) {
      const arrivals = received.arrivals.get(id);
      if (!arrivals) continue;
      latencies.push(Math.min(...arrivals) - (acceptedAt.get(eventId) as number));
      lastArrival = Math.max(lastArrival, ...arrivals);
    }
  }
  return { latencies, lastArrival };
}

/**
 * `rate` events a second for `durationS` seconds on a Hookflow of its own (a
 * run that fell behind leaves no backlog to the next), each delivery measured
 * from its event's 202 to its arrival. The rate is sustained when the API
 * accepted it and what is still outstanding as the last event is accepted
 * arrives within one second: a growing backlog would take longer and longer to drain.
 */
async function streamAt(context: BenchContext, rate: number, durationS: number, options: { measureCost: boolean }) {
  const { receivers } = context;
  const app = await startScenarioApp(context, `stream-${rate}`);
  try {
    // A few events first, of an owner of their own, so that the measured ones do not pay for the
    // processes' warm-up (JIT, pools) and the measured owner's workflows are the measured events'.
    const warmUp = await subscribeStreamOwner(app, receivers, 'warmup');
    const warmUpEvents = Array.from({ length: WARM_UP_EVENTS }, () => newId('event'));
    await postAtRate(app.url, warmUp.owner.apiKey, warmUpEvents, WARM_UP_EVENTS);
    await receivers.waitForSucceeded(WARM_UP_EVENTS * HOOKS_PER_EVENT, DRAIN_LIMIT_MS);
    const { owner, hookIds } = await subscribeStreamOwner(app, receivers, `stream${rate}`);
    await receivers.take();
    const costPerDelivery = await startCosting(context, app);
    const eventIds = Array.from({ length: Math.round(rate * durationS) }, () => newId('event'));
    const { acceptedAt, postedForS } = await postAtRate(app.url, owner.apiKey, eventIds, rate);
    const lastAcceptedAt = performance.timeOrigin + performance.now();
    const expected = eventIds.length * HOOKS_PER_EVENT;
    const outstandingAtEnd = expected - (await receivers.counts()).succeeded;
    const drained = await receivers.waitForSucceeded(expected, DRAIN_LIMIT_MS).then(
      () => true,
      () => false,
    );
    const received = await receivers.take();

    const { latencies, lastArrival } = deliveryLatencies(received, eventIds, hookIds, acceptedAt);
    const drainMs = drained ? Math.max(0, lastArrival - lastAcceptedAt) : undefined;
    const acceptedPerSecond = round(eventIds.length / Math.max(durationS, postedForS), 1);
    return {
      rate,
      durationS,
      /** Events a second the API accepted: below `rate` when it could not keep up with the posts. */
      acceptedPerSecond,
      deliveries: expected,
      /** Below `deliveries` when the run fell so far behind that it did not drain within a minute. */
      arrived: latencies.length,
      latency: latencySummary(latencies),
      outstandingAtEnd,
      drainMs: drainMs === undefined ? undefined : round(drainMs),
      // An API that accepted fewer events a second than were posted did not keep up either (the 200/s run
      // accepted 125/s and drained within a second: its backlog was in the producer's queue).
      sustained: drainMs !== undefined && drainMs <= 1000 && acceptedPerSecond >= 0.95 * rate,
      receiverBusy: round(received.busiest.busy, 2),
      peakRss: app.peakRss(),
      ...(options.measureCost && drained ? await costPerDelivery(owner.id, expected) : {}),
    };
  } finally {
    await app.stop();
  }
}

/** Steady streams of events, 5 hooks each: latencies at fixed rates, then the highest rate sustained. */
export async function runStream(context: BenchContext, options: StreamOptions) {
  const runs = [];
  for (const rate of options.rates) {
    context.log(`stream: ${rate} events/s for ${options.durationS} s...`);
    runs.push(await streamAt(context, rate, options.durationS, { measureCost: true }));
  }
  const ramp = [];
  for (const rate of options.rampRates) {
    context.log(`stream ramp: ${rate} events/s for ${options.rampDurationS} s...`);
    const run = await streamAt(context, rate, options.rampDurationS, { measureCost: false });
    ramp.push({ rate, sustained: run.sustained, drainMs: run.drainMs, p99Ms: run.latency.p99Ms });
    if (!run.sustained) break;
  }
  const sustainedRates = [...runs, ...ramp].filter((run) => run.sustained).map((run) => run.rate);
  return {
    hooksPerEvent: HOOKS_PER_EVENT,
    runs,
    ramp,
    highestSustainedRate: sustainedRates.length ? Math.max(...sustainedRates) : 0,
  };
}
