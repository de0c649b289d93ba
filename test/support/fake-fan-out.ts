import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Activities } from '../../activities';
import { NOTHING_YET, type FanOutTally } from '../../activities/fan-out-tally';
import type { DispatchedEvent } from '../../shared/dispatch';
import { listHookIds } from '../../shared/temporal-names';
import { idOf, type DeliveryId, type HookId } from '../../core/ids';

export type FanOutActivities = Pick<
  Activities,
  'deliverFirstSlices' | 'deliverToSubscribers' | 'handOnFailures' | 'markFannedOut'
>;

/**
 * What a fake delivery to a hook comes to: sent, a failure to retry, a failure
 * for good on the first attempt, a failure that disables the hook, or parked.
 */
export type FakeOutcome = 'succeeded' | 'retrying' | 'failing' | 'disabling' | 'parked';

/** One call of a fan-out activity, where it ran, and what it was given and answered. */
export type FanOutCall = {
  isLocal: boolean;
  taskQueue: string;
  runId: string;
} & (
  | { activity: 'deliverFirstSlices'; input: Parameters<FanOutActivities['deliverFirstSlices']>[0]; begun: number }
  | {
      activity: 'deliverToSubscribers';
      input: Parameters<FanOutActivities['deliverToSubscribers']>[0];
      next: string | undefined;
    }
  | { activity: 'handOnFailures'; input: Parameters<FanOutActivities['handOnFailures']>[0] }
  | { activity: 'markFannedOut'; input: Parameters<FanOutActivities['markFannedOut']>[0] }
);

/** One delivery of an event to a hook, and what it comes to. */
export interface FakeDelivery {
  deliveryId: DeliveryId;
  hookId: HookId;
  outcome: FakeOutcome;
}

/**
 * The fan-out activities of the dispatch workflow over an in-memory store:
 * event `eventKey` has `hookCounts[eventKey]` subscribed hooks, in id order,
 * and its delivery to the `index`th comes to `outcomeOf`. They keep the contract of
 * the real ones (activities/fan-out.ts, first-slices.ts): deliverFirstSlices
 * begins events in order up to `limit` deliveries in all and says where each
 * begun one carries on; deliverToSubscribers delivers `hooksPerCall` hooks
 * after `afterHookId` and answers `next` while hooks are left. Every call is
 * logged in `calls`, every delivery in `delivered`; `deliveriesOf` answers
 * all that an event should come to.
 */
export function fakeFanOut(options: {
  hookCounts: Record<string, number>;
  hooksPerCall: number;
  outcomeOf: (hook: { eventKey: string; index: number }) => FakeOutcome;
}) {
  const calls: FanOutCall[] = [];
  const delivered: FakeDelivery[] = [];

  /** The event's deliveries, to its hooks in id order (`<eventKey>/h00000` on). */
  function deliveriesOf({ eventKey }: DispatchedEvent): FakeDelivery[] {
    const count = options.hookCounts[eventKey];
    // Non-retryable, so that an event the workflow made up fails it instead of being retried forever.
    if (count === undefined) throw ApplicationFailure.nonRetryable(`no event ${eventKey}`, 'UnknownEvent');
    return Array.from({ length: count }, (_, index) => {
      const hookId = idOf('hook', `${eventKey}/h${String(index).padStart(5, '0')}`);
      const deliveryId = idOf('delivery', `${eventKey}>${hookId}`);
      return { deliveryId, hookId, outcome: options.outcomeOf({ eventKey, index }) };
    });
  }

  function where() {
    const { info } = Context.current();
    return { isLocal: info.isLocal, taskQueue: info.taskQueue, runId: info.workflowExecution?.runId ?? '' };
  }

  /** A failed delivery as the fan-out hands it on to its workflow. */
  const handOffOf = ({ deliveryId, hookId }: FakeDelivery) => ({
    deliveryId,
    hookId,
    ownerId: idOf('owner', 'owner'),
    eventType: 'fake',
    summary: 'fake',
  });

  /** Records the deliveries, and answers `tally` with them added. */
  function deliver(deliveries: FakeDelivery[], tally: FanOutTally): FanOutTally {
    delivered.push(...deliveries);
    const sent = deliveries.filter((delivery) => delivery.outcome !== 'parked');
    const failures = sent.filter((delivery) => delivery.outcome !== 'succeeded');
    return {
      hooks: tally.hooks + deliveries.length,
      succeeded: tally.succeeded + sent.length - failures.length,
      failed: tally.failed + failures.length,
      parked: tally.parked + deliveries.length - sent.length,
      paced: 0,
      skipped: 0,
      hookIds: listHookIds(
        tally.hookIds,
        deliveries.map((delivery) => delivery.hookId),
      ),
      retries: [
        ...tally.retries,
        ...failures
          .filter((failure) => failure.outcome === 'retrying')
          .map((failure) => ({ ...handOffOf(failure), delayMs: 5_000 })),
      ],
      failures: [
        ...tally.failures,
        ...failures
          .filter((failure) => failure.outcome === 'failing')
          .map((failure) => ({ ...handOffOf(failure), failureReason: 'Not retried: HTTP 400' })),
      ],
      hooksToDisable: [
        ...tally.hooksToDisable,
        ...failures
          .filter((failure) => failure.outcome === 'disabling')
          .map(({ hookId }) => ({ hookId, spell: 1, reason: 'gone (410)' })),
      ],
    };
  }

  const activities: FanOutActivities = {
    deliverFirstSlices(input) {
      let tally = NOTHING_YET;
      const carryOn: { index: number; afterHookId: HookId }[] = [];
      let begun = 0;
      for (const [index, event] of input.events.entries()) {
        const room = input.limit - tally.hooks;
        if (room === 0) break;
        const hooks = deliveriesOf(event);
        const slice = hooks.slice(0, room);
        tally = deliver(slice, tally);
        begun++;
        const last = slice.at(-1);
        if (hooks.length > slice.length && last) carryOn.push({ index, afterHookId: last.hookId });
      }
      calls.push({ activity: 'deliverFirstSlices', ...where(), input, begun });
      const fannedOut = input.fannedOut !== undefined && begun === input.events.length && carryOn.length === 0;
      return Promise.resolve({ ...tally, begun, carryOn, fannedOut });
    },

    deliverToSubscribers(input) {
      const hooks = deliveriesOf(input.event);
      const from = hooks.findIndex((hook) => hook.hookId === input.afterHookId) + 1;
      const slice = hooks.slice(from, from + options.hooksPerCall);
      const next = from + slice.length < hooks.length ? slice.at(-1)?.hookId : undefined;
      calls.push({ activity: 'deliverToSubscribers', ...where(), input, next });
      return Promise.resolve({ ...deliver(slice, NOTHING_YET), next });
    },

    handOnFailures(input) {
      calls.push({ activity: 'handOnFailures', ...where(), input });
      return Promise.resolve();
    },

    markFannedOut(input) {
      calls.push({ activity: 'markFannedOut', ...where(), input });
      return Promise.resolve();
    },
  };

  return { activities, calls, delivered, deliveriesOf };
}
