import { context as traceContext, type Context } from '@opentelemetry/api';
import { newId, type DispatchId, type OwnerId } from '../core/ids';
import { DISPATCH_INTERVAL_MS, MAX_EVENTS_PER_DISPATCH } from '../shared/dispatch';
import { dispatchSize, type Accepted, type Outcome } from './dispatches';
import type { NewEvent, StoredEventRecord } from '../core/stored-events';

/** How the dispatcher stores and starts dispatches: services/dispatches.ts, or a test's stand-in. */
export interface Dispatching {
  /** Stores the events as a dispatch of their own and starts it; answers by position once it has started. */
  commit(events: NewEvent[]): Promise<Outcome[]>;
  /** Stores events in an open dispatch (recording it as pending first when told); answers by position once stored. */
  store(dispatchId: DispatchId, events: NewEvent[], recordPending: boolean): Promise<Outcome[]>;
  /** Starts a closed open dispatch; `stored` is every event it holds, or absent when they must be read back. */
  start(dispatchId: DispatchId, stored?: StoredEventRecord[]): Promise<void>;
}

/**
 * How long an event may wait for its owner's write in flight before it is
 * written anyway: a slow store must not hold the next events for long. A
 * write (an insert, and for a committed dispatch a workflow start) takes a few
 * milliseconds.
 */
export const MAX_DISPATCH_WAIT_MS = 25;

/** How long a failed workflow start of a closed dispatch waits before the next try, doubling up to the last. */
const START_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

interface Waiting {
  event: NewEvent;
  resolve(accepted: Accepted): void;
  reject(error: unknown): void;
  /**
   * The trace context of its post (infra/tracing.ts; OpenTelemetry's empty one when tracing is off). A
   * group's write runs in its first post's, and so do the start it makes and the dispatch it opens, whichever
   * call or timer gets to them: that post's span is the workflow start's parent.
   */
  trace: Context;
}

/** A dispatch that takes an owner's events until it closes, then starts. */
interface OpenDispatch {
  id: DispatchId;
  /** Every event given to it, stored or not: what its size is counted on. */
  events: NewEvent[];
  /** Those stored now (not a producer's retry of an older one). */
  stored: StoredEventRecord[];
  /** Its stores, settled or not: it starts once all have. */
  stores: Promise<void>[];
  /** Set once a store has recorded it as pending. */
  recorded: boolean;
  /** Set when a store failed: which events went in is then for the store to say. */
  uncertain: boolean;
  closer: NodeJS.Timeout;
  /** The trace context of its first post: its workflow start is that post's child. */
  trace: Context;
}

interface OwnerQueue {
  ownerId: OwnerId;
  inFlight: number;
  waiting: Waiting[];
  timer?: NodeJS.Timeout;
  open?: OpenDispatch;
  /** When the owner's last dispatch started (or closed to start). */
  lastStartAt: number;
  forget?: NodeJS.Timeout;
}

function settle(waiting: Waiting, outcome: Outcome | undefined): void {
  if (!outcome) waiting.reject(new Error('A dispatch answered fewer outcomes than it had events'));
  else if ('accepted' in outcome) waiting.resolve(outcome.accepted);
  else waiting.reject(outcome.refused);
}

/**
 * Group commit of the events this API process accepts, per owner. An owner at
 * rest (no dispatch started within the interval: `intervalMs`,
 * DISPATCH_INTERVAL_MS unless told) has its event
 * committed at once, alone: stored, its workflow (`event:<key>`) started,
 * then answered. An owner's stream instead fills an open dispatch, recorded
 * as pending, whose events are answered as soon as they are stored and whose
 * one workflow starts an interval after the owner's last start (or
 * once it holds MAX_EVENTS_PER_DISPATCH events, or as many as fit in the
 * EventIds search attribute). Writes of an owner's events are grouped too:
 * events that arrive while one is in flight go together in the next, at most
 * MAX_DISPATCH_WAIT_MS late.
 */
export class EventDispatcher {
  private readonly owners = new Map<OwnerId, OwnerQueue>();
  private readonly starting = new Set<Promise<void>>();
  /** Set by closeAll: a start that fails after it is left to recovery (its connections are closing). */
  private closed = false;

  constructor(
    private readonly dispatching: Dispatching,
    private readonly intervalMs = DISPATCH_INTERVAL_MS,
    private readonly onStartFailed: (dispatchId: DispatchId, error: unknown) => void = () => undefined,
  ) {}

  /** Resolves once the event is durable: stored, and its dispatch started or recorded as pending. */
  accept(event: NewEvent): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      const queue = this.queueOf(event.ownerId);
      queue.waiting.push({ event, resolve, reject, trace: traceContext.active() });
      const full = dispatchSize(queue.waiting.map((w) => w.event)) < queue.waiting.length;
      if (queue.inFlight === 0 || full || queue.waiting.length >= MAX_EVENTS_PER_DISPATCH) {
        this.flush(queue);
      } else queue.timer ??= setTimeout(() => this.flush(queue), MAX_DISPATCH_WAIT_MS);
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
      outcomes.push(...(await this.dispatching.commit(events.slice(start, start + size))));
      start += size;
    }
    return outcomes;
  }

  /** Closes every open dispatch now and waits for their workflow starts (one try each): for a clean shutdown. */
  async closeAll(): Promise<void> {
    this.closed = true;
    for (const queue of this.owners.values()) this.close(queue);
    await Promise.allSettled([...this.starting]);
  }

  private queueOf(ownerId: OwnerId): OwnerQueue {
    let queue = this.owners.get(ownerId);
    if (!queue) {
      queue = { ownerId, inFlight: 0, waiting: [], lastStartAt: -Infinity };
      this.owners.set(ownerId, queue);
    }
    clearTimeout(queue.forget);
    return queue;
  }

  private flush(queue: OwnerQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    const group = queue.waiting.splice(0, dispatchSize(queue.waiting.map((waiting) => waiting.event)));
    if (group.length === 0) return;
    queue.inFlight += 1;
    const events = group.map((waiting) => waiting.event);
    traceContext
      .with((group[0] as Waiting).trace, () => this.write(queue, events))
      .then(
        (outcomes) => group.forEach((waiting, index) => settle(waiting, outcomes[index])),
        (error: unknown) => group.forEach((waiting) => waiting.reject(error)),
      )
      .finally(() => {
        queue.inFlight -= 1;
        if (queue.waiting.length > 0) this.flush(queue);
        else this.forgetWhenIdle(queue);
      });
  }

  /** Commits the events (an owner at rest) or stores them in the owner's open dispatch, opening one if need be. */
  private write(queue: OwnerQueue, events: NewEvent[]): Promise<Outcome[]> {
    const { open } = queue;
    if (open && dispatchSize([...open.events, ...events]) < open.events.length + events.length) this.close(queue);
    if (!queue.open && Date.now() - queue.lastStartAt >= this.intervalMs) {
      return this.dispatching.commit(events).then((outcomes) => {
        queue.lastStartAt = Date.now();
        return outcomes;
      });
    }
    return this.storeInOpen(queue.open ?? this.open(queue), events);
  }

  private open(queue: OwnerQueue): OpenDispatch {
    const closesIn = Math.max(0, queue.lastStartAt + this.intervalMs - Date.now());
    const open: OpenDispatch = {
      id: newId('dispatch'),
      events: [],
      stored: [],
      stores: [],
      recorded: false,
      uncertain: false,
      closer: setTimeout(() => this.close(queue), closesIn),
      trace: traceContext.active(),
    };
    queue.open = open;
    return open;
  }

  private storeInOpen(open: OpenDispatch, events: NewEvent[]): Promise<Outcome[]> {
    open.events.push(...events);
    const storing = this.dispatching.store(open.id, events, !open.recorded);
    open.stores.push(
      storing.then(
        (outcomes) => {
          open.recorded = true;
          outcomes.forEach((outcome) => {
            if ('accepted' in outcome && outcome.accepted.created) open.stored.push(outcome.accepted.event);
          });
        },
        () => {
          open.uncertain = true;
        },
      ),
    );
    return storing;
  }

  /** Takes the owner's open dispatch out of use and starts it once its stores have settled. */
  private close(queue: OwnerQueue): void {
    const { open } = queue;
    if (!open) return;
    clearTimeout(open.closer);
    queue.open = undefined;
    queue.lastStartAt = Date.now();
    this.forgetWhenIdle(queue);
    const starting = Promise.allSettled(open.stores).then(() =>
      traceContext.with(open.trace, () => this.start(open, 0)),
    );
    this.starting.add(starting);
    void starting.finally(() => this.starting.delete(starting));
  }

  /**
   * Starts a closed dispatch; a failed start is tried again later (its
   * pending record stays meanwhile, so another API process starts it if this
   * one dies first).
   */
  private async start(open: OpenDispatch, tries: number): Promise<void> {
    // Nothing of a dispatch that was never recorded is stored.
    if (!open.recorded && !open.uncertain) return;
    try {
      await this.dispatching.start(open.id, open.uncertain ? undefined : open.stored);
    } catch (error) {
      this.onStartFailed(open.id, error);
      if (this.closed) return;
      const delay = START_RETRY_DELAYS_MS[Math.min(tries, START_RETRY_DELAYS_MS.length - 1)] as number;
      setTimeout(() => void this.start(open, tries + 1), delay).unref();
    }
  }

  /** Drops an owner's queue once nothing of it is waiting, in flight or open and its interval has passed. */
  private forgetWhenIdle(queue: OwnerQueue): void {
    if (queue.inFlight > 0 || queue.waiting.length > 0 || queue.open) return;
    clearTimeout(queue.forget);
    const left = queue.lastStartAt + this.intervalMs - Date.now();
    if (left <= 0) this.owners.delete(queue.ownerId);
    else {
      queue.forget = setTimeout(() => this.forgetWhenIdle(queue), left);
      queue.forget.unref();
    }
  }
}
