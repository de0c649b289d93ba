import { eventKey } from '../../core/ids';
import { eventWorkflowId } from '../../shared/temporal-names';
import type { deliverDispatch } from '../../workflows/deliver-dispatch';
import { startCosting, startScenarioApp, type BenchContext } from '../context';
import { createHttpHooks, createOwner, postEvent } from '../fixtures';
import { round } from '../stats';

const EVENT_TYPE = 'bench.failures';
/** Every tenth receiver answers 500 once, then recovers. */
const FAILING_SHARE = 10;
/** The short per-hook schedule the scenario is about: the next try a second later. */
const RETRY_SCHEDULE = ['1s', '1s', '1s'];

/** One event to `hooks` hooks of which a tenth fail once: time until every delivery has succeeded. */
export async function runFailures(context: BenchContext, hooks: number) {
  const app = await startScenarioApp(context, `failures-${hooks}`);
  try {
    const { receivers } = context;
    const owner = await createOwner(app, 'failures', EVENT_TYPE);
    await createHttpHooks(app, owner, {
      count: hooks,
      eventType: EVENT_TYPE,
      urlFor: (id, i) => receivers.urlFor(i, id, i % FAILING_SHARE === 0),
      delivery: { retrySchedule: RETRY_SCHEDULE },
    });
    const failing = Math.ceil(hooks / FAILING_SHARE);
    await receivers.take();

    const costPerDelivery = await startCosting(context, app);
    const postedAt = performance.now();
    const eventId = await postEvent(app, owner, EVENT_TYPE);
    await receivers.waitForSucceeded(hooks - failing, 30 * 60_000);
    const firstPassMs = performance.now() - postedAt;
    await receivers.waitForSucceeded(hooks, 30 * 60_000);
    const elapsedMs = performance.now() - postedAt;
    const received = await receivers.take();
    const result = await context.temporal.workflow
      .getHandle<typeof deliverDispatch>(eventWorkflowId(eventKey(owner.id, eventId)))
      .result();
    return {
      hooks,
      failingOnce: failing,
      retrySchedule: RETRY_SCHEDULE.join(','),
      /** Until the hooks that never fail have theirs. */
      firstPassMs: round(firstPassMs),
      /** Until every delivery has succeeded, the retried ones included. */
      allSucceededMs: round(elapsedMs),
      requests: received.count,
      handedToRetries: result.retrying,
      receiverBusy: round(received.busiest.busy, 2),
      ...(await costPerDelivery(owner.id, hooks)),
      peakRss: app.peakRss(),
    };
  } finally {
    await app.stop();
  }
}
