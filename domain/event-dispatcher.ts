import { MAX_EVENTS_PER_DISPATCH } from './dispatch';
import { dispatchSize, type Accepted, type NewEvent, type Outcome } from './dispatches';

/** Stores events of one owner as one dispatch and starts it (commitDispatch); answers by position. */
export type CommitDispatch = (events: NewEvent[]) => Promise<Outcome[]>;

/**
 * How long an event may wait for its owner's flush in flight before it is
 * flushed anyway: a slow workflow start must not hold the next events for
 * long. A flush (insert plus workflow start) takes a few milliseconds.
 */
export const MAX_DISPATCH_WAIT_MS = 25;

interface Waiting {
  event: NewEvent;
  resolve(accepted: Accepted): void;
  reject(error: unknown): void;
}

interface OwnerQueue {
  inFlight: number;
  waiting: Waiting[];
  timer?: NodeJS.Timeout;
}

function settle(waiting: Waiting, outcome: Outcome | undefined): void {
  if (!outcome) waiting.reject(new Error('A dispatch answered fewer outcomes than it had events'));
  else if ('accepted' in outcome) waiting.resolve(outcome.accepted);
  else waiting.reject(outcome.refused);
}

/**
 * Group commit of the events this API process accepts, per owner. An event
 * that finds no flush of its owner in flight is flushed at once, alone, so
 * that at low load every event is its own dispatch (workflow `event:<key>`);
 * events that arrive while one is in flight wait and go together in the next
 * flush, at most MAX_EVENTS_PER_DISPATCH of them (fewer when their keys
 * would not fit in the EventIds search attribute) and at most
 * MAX_DISPATCH_WAIT_MS late. Under load, a burst then costs one insert and
 * one workflow start instead of one per event.
 */
export class EventDispatcher {
  private readonly owners = new Map<string, OwnerQueue>();

  constructor(private readonly commit: CommitDispatch) {}

  /** Resolves once the event is stored and its dispatch's workflow started. */
  accept(event: NewEvent): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      const queue = this.queueOf(event.ownerId);
      queue.waiting.push({ event, resolve, reject });
      const full = dispatchSize(queue.waiting.map((w) => w.event)) < queue.waiting.length;
      if (queue.inFlight === 0 || full || queue.waiting.length >= MAX_EVENTS_PER_DISPATCH) {
        this.flush(event.ownerId, queue);
      } else queue.timer ??= setTimeout(() => this.flush(event.ownerId, queue), MAX_DISPATCH_WAIT_MS);
    });
  }

  /**
   * Events that the producer sent together (one owner): a dispatch of their
   * own, or consecutive ones when their keys do not fit in one EventIds.
   */
  async acceptTogether(events: NewEvent[]): Promise<Outcome[]> {
    const outcomes = [];
    for (let start = 0; start < events.length;) {
      const size = dispatchSize(events.slice(start));
      outcomes.push(...(await this.commit(events.slice(start, start + size))));
      start += size;
    }
    return outcomes;
  }

  private queueOf(ownerId: string): OwnerQueue {
    let queue = this.owners.get(ownerId);
    if (!queue) {
      queue = { inFlight: 0, waiting: [] };
      this.owners.set(ownerId, queue);
    }
    return queue;
  }

  private flush(ownerId: string, queue: OwnerQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    const group = queue.waiting.splice(0, dispatchSize(queue.waiting.map((waiting) => waiting.event)));
    if (group.length === 0) return;
    queue.inFlight += 1;
    this.commit(group.map((waiting) => waiting.event))
      .then(
        (outcomes) => group.forEach((waiting, index) => settle(waiting, outcomes[index])),
        (error: unknown) => group.forEach((waiting) => waiting.reject(error)),
      )
      .finally(() => {
        queue.inFlight -= 1;
        if (queue.waiting.length > 0) this.flush(ownerId, queue);
        else if (queue.inFlight === 0) this.owners.delete(ownerId);
      });
  }
}
