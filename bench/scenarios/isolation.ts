import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '../../core/ids';
import { startScenarioApp, type BenchContext } from '../context';
import { createHttpHooks, createOwner, postEvent, webhookIds } from '../fixtures';
import { latencySummary, round } from '../stats';
import { deliveryLatencies, HOOKS_PER_EVENT, postAtRate, subscribeStreamOwner } from './stream';

const BIG_EVENT_TYPE = 'bench.isolation';
const WARM_UP_EVENTS = 20;
/** Both owners' deliveries of a phase must have arrived by then: the big owner's fan-outs are tens of thousands. */
const DRAIN_LIMIT_MS = 15 * 60_000;

export interface IsolationOptions {
  /** The big owner's hooks, all subscribed to its event type: each of its events fans out to all of them. */
  bigHooks: number;
  /** Its events, posted evenly over the stream's duration. */
  bigEvents: number;
  /** The other owner's stream, to HOOKS_PER_EVENT hooks. */
  rate: number;
  durationS: number;
}

/**
 * Issue 13's point 2: one owner with many hooks must not slow another. The
 * other owner streams `rate` events a second (latency measured as the stream
 * scenario does, 202 to arrival) twice on the same Hookflow: alone, then while
 * the big owner's events fan out to all its hooks. The big owner's hooks exist
 * in both phases, so the first phase also shows that the stream's subscription
 * lookups do not read them.
 */
export async function runIsolation(context: BenchContext, options: IsolationOptions) {
  const { receivers } = context;
  const app = await startScenarioApp(context, 'isolation');
  try {
    const big = await createOwner(app, 'big', BIG_EVENT_TYPE);
    const bigHookIds = await createHttpHooks(app, big, {
      count: options.bigHooks,
      eventType: BIG_EVENT_TYPE,
      urlFor: (id, i) => receivers.urlFor(i, id),
    });
    const streamer = await subscribeStreamOwner(app, receivers, 'streamer');
    const warmUp = Array.from({ length: WARM_UP_EVENTS }, () => newId('event'));
    await postAtRate(app.url, streamer.owner.apiKey, warmUp, WARM_UP_EVENTS);
    await receivers.waitForSucceeded(WARM_UP_EVENTS * HOOKS_PER_EVENT, DRAIN_LIMIT_MS);
    await receivers.take();

    const phase = async (withBigOwner: boolean) => {
      const eventIds = Array.from({ length: Math.round(options.rate * options.durationS) }, () => newId('event'));
      const startedAt = performance.timeOrigin + performance.now();
      const bigPosts = withBigOwner
        ? Array.from({ length: options.bigEvents }, async (_, i) => {
            await sleep((i * options.durationS * 1000) / options.bigEvents);
            return postEvent(app, big, BIG_EVENT_TYPE);
          })
        : [];
      const [{ acceptedAt }, bigEventIds] = await Promise.all([
        postAtRate(app.url, streamer.owner.apiKey, eventIds, options.rate),
        Promise.all(bigPosts),
      ]);
      const streamed = eventIds.length * HOOKS_PER_EVENT;
      await receivers.waitForSucceeded(streamed + bigEventIds.length * options.bigHooks, DRAIN_LIMIT_MS);
      const received = await receivers.take();
      const { latencies } = deliveryLatencies(received, eventIds, streamer.hookIds, acceptedAt);
      if (latencies.length !== streamed) throw new Error(`isolation: ${latencies.length} of ${streamed} arrived`);
      // When the big owner's deliveries arrived, from the phase's start: they should overlap the stream.
      const bigArrivals = bigEventIds.flatMap((eventId) =>
        webhookIds(eventId, bigHookIds).map((id) => Math.min(...(received.arrivals.get(id) ?? [NaN]))),
      );
      return {
        latency: latencySummary(latencies),
        bigOwnerDeliveries: bigArrivals.length,
        ...(bigArrivals.length > 0
          ? {
              bigOwnerFirstArrivalS: round((Math.min(...bigArrivals) - startedAt) / 1000, 1),
              bigOwnerLastArrivalS: round((Math.max(...bigArrivals) - startedAt) / 1000, 1),
            }
          : {}),
      };
    };

    context.log(`isolation: ${options.rate} events/s alone for ${options.durationS} s...`);
    const alone = await phase(false);
    context.log(
      `isolation: ${options.rate} events/s beside ${options.bigEvents} fan-outs to ${options.bigHooks} hooks...`,
    );
    const beside = await phase(true);
    return {
      ...options,
      hooksPerEvent: HOOKS_PER_EVENT,
      alone,
      besideBigOwner: beside,
      p50Ratio: round(beside.latency.p50Ms / alone.latency.p50Ms, 2),
      p99Ratio: round(beside.latency.p99Ms / alone.latency.p99Ms, 2),
    };
  } finally {
    await app.stop();
  }
}
