import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { newId } from '../../domain/ids';
import type { BenchApp } from '../app';
import { costPerDelivery, countCommands, startScenarioApp, type BenchContext } from '../context';
import { BENCH_EVENT_DATA, createHttpHooks, createOwner, webhookIds, type BenchOwner } from '../fixtures';
import { latencySummary, round } from '../stats';

const EVENT_TYPE = 'bench.stream';
const HOOKS_PER_EVENT = 5;

export interface StreamOptions {
  /** Events a second, each held for `durationS`, reported with latencies. */
  rates: number[];
  durationS: number;
  /** Rising rates, each held for `rampDurationS`, to find the highest one sustained. */
  rampRates: number[];
  rampDurationS: number;
}

/**
 * Posts `rate` events a second for `durationS` seconds without waiting for
 * answers (an open loop, as producers post), and measures each delivery from
 * its event's 202 to its arrival. The rate is sustained when what is still
 * outstanding as the last event is accepted arrives within one second: a
 * growing backlog would take longer and longer to drain.
 */
async function streamAt(
  context: BenchContext,
  app: BenchApp,
  rate: number,
  durationS: number,
  options: { measureCost: boolean },
) {
  const { receivers } = context;
  const owner: BenchOwner = await createOwner(app, `stream${rate}`, EVENT_TYPE);
  const hookIds = await createHttpHooks(app, owner, {
    count: HOOKS_PER_EVENT,
    eventType: EVENT_TYPE,
    urlFor: (id, i) => receivers.urlFor(i, id),
  });
  await receivers.take();
  const commandsSince = await countCommands(context);
  const agent = new Agent({ connections: 64 });
  const eventIds = Array.from({ length: Math.round(rate * durationS) }, () => newId('event'));
  const acceptedAt = new Map<string, number>();
  const started = performance.now();
  const posts = eventIds.map(async (eventId, i) => {
    await sleep(started + (i * 1000) / rate - performance.now());
    const response = await request(`${app.url}/v1/events`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: eventId, type: EVENT_TYPE, data: BENCH_EVENT_DATA }),
    });
    await response.body.dump();
    if (response.statusCode !== 202) throw new Error(`stream: an event was answered ${response.statusCode}`);
    acceptedAt.set(eventId, performance.timeOrigin + performance.now());
  });
  await Promise.all(posts);
  // Longer than planned when the API could not keep up with the posts.
  const postedFor = Math.max(durationS, (performance.now() - started) / 1000);
  const lastAcceptedAt = performance.timeOrigin + performance.now();
  const expected = eventIds.length * HOOKS_PER_EVENT;
  const outstandingAtEnd = expected - (await receivers.counts()).succeeded;
  await receivers.waitForSucceeded(expected, 5 * 60_000);
  const received = await receivers.take();
  await agent.close();

  const latencies: number[] = [];
  let lastArrival = 0;
  for (const eventId of eventIds) {
    for (const id of webhookIds(eventId, hookIds)) {
      const arrivals = received.arrivals.get(id);
      if (!arrivals) throw new Error(`stream: delivery ${id} never arrived`);
      latencies.push(Math.min(...arrivals) - (acceptedAt.get(eventId) as number));
      lastArrival = Math.max(lastArrival, ...arrivals);
    }
  }
  const drainMs = Math.max(0, lastArrival - lastAcceptedAt);
  return {
    rate,
    durationS,
    /** Events a second the API actually accepted: below `rate` when posting itself fell behind. */
    acceptedPerSecond: round(eventIds.length / postedFor, 1),
    deliveries: expected,
    latency: latencySummary(latencies),
    outstandingAtEnd,
    drainMs: round(drainMs),
    sustained: drainMs <= 1000,
    receiverBusy: round(received.busiest.busy, 2),
    ...(options.measureCost ? await costPerDelivery(context, owner.id, expected, commandsSince) : {}),
  };
}

/** Steady streams of events, 5 hooks each: latencies at fixed rates, then the highest rate sustained. */
export async function runStream(context: BenchContext, options: StreamOptions) {
  const app = await startScenarioApp(context, 'stream');
  try {
    await streamAt(context, app, Math.min(...options.rates), 2, { measureCost: false }); // warm-up, not reported
    const runs = [];
    for (const rate of options.rates) {
      context.log(`stream: ${rate} events/s for ${options.durationS} s...`);
      runs.push(await streamAt(context, app, rate, options.durationS, { measureCost: true }));
    }
    const ramp = [];
    for (const rate of options.rampRates) {
      context.log(`stream ramp: ${rate} events/s for ${options.rampDurationS} s...`);
      const run = await streamAt(context, app, rate, options.rampDurationS, { measureCost: false });
      ramp.push({ rate, sustained: run.sustained, drainMs: run.drainMs, p99Ms: run.latency.p99Ms });
      if (!run.sustained) break;
    }
    const sustainedRates = [...runs, ...ramp].filter((run) => run.sustained).map((run) => run.rate);
    return {
      hooksPerEvent: HOOKS_PER_EVENT,
      runs,
      ramp,
      highestSustainedRate: sustainedRates.length ? Math.max(...sustainedRates) : 0,
      peakRss: app.peakRss(),
    };
  } finally {
    await app.stop();
  }
}
