import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_EVENTS_PER_DISPATCH } from '../shared/dispatch';
import type { Outcome } from '../services/dispatches';
import type { NewEvent, StoredEventRecord } from '../core/stored-events';
import { EventDispatcher, MAX_DISPATCH_WAIT_MS, type Dispatching } from '../services/event-dispatcher';
import { eventKey, idOf } from '../core/ids';

const event = (id: string, ownerId = 'own_a'): NewEvent => ({
  id: idOf('event', id),
  ownerId: idOf('owner', ownerId),
  type: 'follow',
  data: {},
  sequence: 0,
});
const recordOf = (e: NewEvent): StoredEventRecord => ({ _id: eventKey(e.ownerId, e.id), ...e, createdAt: new Date() });
const acceptedAll = (events: NewEvent[]): Outcome[] =>
  events.map((e) => ({ accepted: { event: recordOf(e), created: true } }));

/** A write the test releases or fails by hand: what the store and Temporal would answer, when they answer. */
interface HeldWrite {
  kind: 'commit' | 'store';
  ids: string[];
  dispatchId?: string;
  recordPending?: boolean;
  released: boolean;
  release(): void;
  fail(error: Error): void;
}

/**
 * A Dispatching whose commits and stores wait for the test (or answer at
 * once with `autoRelease`), and whose starts are recorded.
 */
function fakeDispatching({ autoRelease = false, failStarts = 0 } = {}) {
  const writes: HeldWrite[] = [];
  const starts: { dispatchId: string; ids?: string[] }[] = [];
  const startTimes: number[] = [];
  let startsToFail = failStarts;
  const held = (kind: HeldWrite['kind'], events: NewEvent[], dispatchId?: string, recordPending?: boolean) =>
    new Promise<Outcome[]>((resolve, reject) => {
      const write: HeldWrite = {
        kind,
        ids: events.map((e) => e.id),
        dispatchId,
        recordPending,
        released: false,
        release: () => {
          write.released = true;
          resolve(acceptedAll(events));
        },
        fail: reject,
      };
      writes.push(write);
      if (autoRelease) write.release();
    });
  const dispatching: Dispatching = {
    commit: (events) => held('commit', events),
    store: (dispatchId, events, recordPending) => held('store', events, dispatchId, recordPending),
    start: (dispatchId, stored) => {
      if (startsToFail > 0) {
        startsToFail -= 1;
        return Promise.reject(new Error('Temporal unreachable'));
      }
      starts.push({ dispatchId, ids: stored?.map((record) => record.id) });
      startTimes.push(Date.now());
      return Promise.resolve();
    },
  };
  /** Each event's workflows: a commit is one, a started open dispatch another. */
  const workflowsOf = (id: string) => [
    ...writes.filter((w) => w.kind === 'commit' && w.ids.includes(id)),
    ...starts.filter((s) => s.ids?.includes(id)),
  ];
  return { dispatching, writes, starts, startTimes, workflowsOf };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, what: string, limitMs = 3_000): Promise<void> {
  const from = Date.now();
  while (!condition()) {
    if (Date.now() - from > limitMs) assert.fail(`waited ${limitMs} ms for ${what}`);
    await sleep(5);
  }
}

/** The `count`-th write the dispatcher makes, once it has made it. */
async function writeNumber(writes: HeldWrite[], count: number): Promise<HeldWrite> {
  await until(() => writes.length >= count, `write ${count}`);
  return writes[count - 1] as HeldWrite;
}

/** Commits a first event of the owner and releases it: the owner's next events go in an open dispatch. */
async function startStream(dispatcher: EventDispatcher, writes: HeldWrite[]): Promise<void> {
  const first = dispatcher.accept(event('e1'));
  (await writeNumber(writes, 1)).release();
  await first;
}

/**
 * A dispatcher whose first workflow start fails, once it holds an open
 * dispatch of `e2` (after `e1`, committed alone); `failures` names each start that failed.
 */
async function openDispatchWhoseStartFails(intervalMs: number) {
  const { dispatching, starts } = fakeDispatching({ autoRelease: true, failStarts: 1 });
  const failures: string[] = [];
  const dispatcher = new EventDispatcher(dispatching, intervalMs, (dispatchId) => failures.push(dispatchId));
  await dispatcher.accept(event('e1'));
  await dispatcher.accept(event('e2'));
  return { dispatcher, starts, failures };
}

/** Releases every held write, those that the released ones let through too, until none is left. */
async function releaseAll(writes: HeldWrite[]): Promise<void> {
  while (writes.some((w) => !w.released)) {
    for (const w of writes) if (!w.released) w.release();
    await tick();
  }
}

describe('group commit of accepted events', () => {
  it('commits an event of an owner at rest at once, alone: stored and started before it is answered', async () => {
    const { dispatching, writes, starts } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching, 60_000);
    const accepted = dispatcher.accept(event('e1'));
    assert.deepEqual(
      writes.map((w) => [w.kind, w.ids]),
      [['commit', ['e1']]],
    );
    writes[0]?.release();
    assert.equal((await accepted).event.id, 'e1');
    assert.deepEqual(starts, [], 'a committed dispatch has started already');
  });

  it("puts the events that come within the interval after an owner's start in one open dispatch, answered once stored", async () => {
    const intervalMs = 150;
    const { dispatching, writes, starts } = fakeDispatching({ autoRelease: true });
    const dispatcher = new EventDispatcher(dispatching, intervalMs);
    await dispatcher.accept(event('e1'));
    const committedAt = Date.now();
    for (const id of ['e2', 'e3', 'e4']) {
      const accepted = await dispatcher.accept(event(id));
      assert.equal(accepted.event.id, id, 'answered before its dispatch starts');
    }
    assert.equal(starts.length, 0, 'the open dispatch waits for the interval');
    const stores = writes.filter((w) => w.kind === 'store');
    assert.deepEqual(
      stores.map((w) => w.ids),
      [['e2'], ['e3'], ['e4']],
    );
    assert.equal(new Set(stores.map((w) => w.dispatchId)).size, 1, 'all in one dispatch');
    assert.deepEqual(
      stores.map((w) => w.recordPending),
      [true, false, false],
      'recorded as pending by its first store only',
    );
    await until(() => starts.length === 1, 'the open dispatch to start');
    assert.ok(Date.now() - committedAt >= intervalMs - 5, 'started an interval after the last start');
    assert.deepEqual(starts, [{ dispatchId: stores[0]?.dispatchId, ids: ['e2', 'e3', 'e4'] }]);
  });

  it('starts an open dispatch only once its stores have settled, with every event they stored', async () => {
    const { dispatching, writes, starts } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching, 20);
    await startStream(dispatcher, writes);
    const second = dispatcher.accept(event('e2'));
    const store = await writeNumber(writes, 2);
    await sleep(60);
    assert.equal(starts.length, 0, 'its store is still in flight');
    store.release();
    await second;
    await until(() => starts.length === 1, 'the start');
    assert.deepEqual(starts[0]?.ids, ['e2']);
  });

  it('starts the events that come while a write is in flight in the next one, together', async () => {
    const { dispatching, writes, workflowsOf } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching, 20);
    const first = dispatcher.accept(event('e1'));
    const later = ['e2', 'e3', 'e4'].map((id) => dispatcher.accept(event(id)));
    assert.deepEqual(
      writes.map((w) => w.ids),
      [['e1']],
      'the later events wait for the write in flight',
    );
    writes[0]?.release();
    await first;
    await tick();
    assert.deepEqual(
      writes.map((w) => w.ids),
      [['e1'], ['e2', 'e3', 'e4']],
    );
    writes[1]?.release();
    assert.deepEqual(
      (await Promise.all(later)).map((a) => a.event.id),
      ['e2', 'e3', 'e4'],
    );
    await until(() => workflowsOf('e2').length === 1, 'their dispatch to start');
    assert.deepEqual(workflowsOf('e2'), workflowsOf('e4'));
  });

  it('gives every event of a steady stream exactly one workflow, at most one start per interval', async () => {
    const intervalMs = 40;
    const { dispatching, writes, starts, startTimes, workflowsOf } = fakeDispatching({ autoRelease: true });
    const dispatcher = new EventDispatcher(dispatching, intervalMs);
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    for (const id of ids) {
      await dispatcher.accept(event(id));
      await sleep(5);
    }
    await until(() => ids.every((id) => workflowsOf(id).length === 1), 'every event to start');
    const workflows = writes.filter((w) => w.kind === 'commit').length + starts.length;
    assert.ok(workflows <= ids.length / 3, `${workflows} workflows for ${ids.length} events`);
    startTimes.slice(1).forEach((at, i) => assert.ok(at - (startTimes[i] as number) >= intervalMs - 10));
  });

  it('keeps owners apart: one owner in flight does not hold another', () => {
    const { dispatching, writes } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching);
    void dispatcher.accept(event('a1', 'own_a'));
    void dispatcher.accept(event('b1', 'own_b'));
    assert.deepEqual(
      writes.map((w) => w.ids),
      [['a1'], ['b1']],
    );
  });

  it(`writes ${MAX_EVENTS_PER_DISPATCH} waiting events without waiting for the write in flight`, () => {
    const { dispatching, writes } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching);
    for (let i = 0; i <= MAX_EVENTS_PER_DISPATCH + 1; i += 1) void dispatcher.accept(event(`e${i}`));
    assert.equal(writes.length, 2);
    assert.equal(writes[1]?.ids.length, MAX_EVENTS_PER_DISPATCH);
    assert.deepEqual(writes[1]?.ids.slice(0, 2), ['e1', 'e2']);
  });

  it('starts no dispatch with more events than their keys fit in the EventIds search attribute (2,048 bytes)', async () => {
    const { dispatching, writes, starts } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching, 30);
    const longId = (i: number) => `${'x'.repeat(120)}-${i}`;
    const accepted: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i += 1) {
      accepted.push(dispatcher.accept(event(longId(i))));
      if (i % 8 === 0) await releaseAll(writes);
    }
    await releaseAll(writes);
    await Promise.all(accepted);
    const committed = writes.filter((w) => w.kind === 'commit').map((w) => w.ids);
    await until(
      () => committed.flat().length + starts.flatMap((s) => s.ids ?? []).length === 40,
      'every event to start',
    );
    for (const ids of [...committed, ...starts.map((s) => s.ids ?? [])]) {
      assert.ok(Buffer.byteLength(JSON.stringify(ids.map((id) => `own_a/${id}`))) <= 2048);
    }
  });

  it('splits a batch whose keys do not fit one EventIds into consecutive committed dispatches, in order', async () => {
    const { dispatching, writes } = fakeDispatching({ autoRelease: true });
    const dispatcher = new EventDispatcher(dispatching);
    const ids = Array.from({ length: 30 }, (_, i) => `${'y'.repeat(120)}-${i}`);
    const outcomes = await dispatcher.acceptTogether(ids.map((id) => event(id)));
    assert.ok(writes.length >= 2);
    assert.ok(writes.every((w) => w.kind === 'commit'));
    assert.deepEqual(
      writes.flatMap((w) => w.ids),
      ids,
    );
    assert.deepEqual(
      outcomes.map((o) => ('accepted' in o ? o.accepted.event.id : undefined)),
      ids,
    );
  });

  it(`writes waiting events after ${MAX_DISPATCH_WAIT_MS} ms even when the write in flight hangs`, async () => {
    const { dispatching, writes } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching);
    void dispatcher.accept(event('e1'));
    void dispatcher.accept(event('e2'));
    const waitedFrom = Date.now();
    await until(() => writes.length === 2, 'the second write');
    assert.deepEqual(
      writes.map((w) => w.ids),
      [['e1'], ['e2']],
    );
    assert.ok(Date.now() - waitedFrom >= MAX_DISPATCH_WAIT_MS - 1);
  });

  it('answers every event of a failed write with its error, and the next events are written anew', async () => {
    const { dispatching, writes } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching);
    const first = dispatcher.accept(event('e1'));
    const second = dispatcher.accept(event('e2'));
    const outage = new Error('store unreachable');
    writes[0]?.fail(outage);
    await assert.rejects(first, outage);
    await tick();
    writes[1]?.fail(outage);
    await assert.rejects(second, outage);
    const third = dispatcher.accept(event('e3'));
    assert.deepEqual(writes[2]?.ids, ['e3']);
    writes[2]?.release();
    assert.equal((await third).event.id, 'e3');
  });

  it('has an open dispatch whose store failed read its events back when it starts', async () => {
    const { dispatching, writes, starts } = fakeDispatching();
    const dispatcher = new EventDispatcher(dispatching, 200);
    await startStream(dispatcher, writes);
    const stored = dispatcher.accept(event('e2'));
    (await writeNumber(writes, 2)).release();
    await stored;
    const lost = dispatcher.accept(event('e3'));
    (await writeNumber(writes, 3)).fail(new Error('socket closed'));
    await assert.rejects(lost);
    await until(() => starts.length === 1, 'the start');
    assert.deepEqual(starts, [{ dispatchId: writes[1]?.dispatchId, ids: undefined }]);
  });

  it('tries a failed start of an open dispatch again', async () => {
    const { starts, failures } = await openDispatchWhoseStartFails(10);
    await until(() => starts.length === 1, 'the second try', 5_000);
    assert.equal(failures.length, 1);
    assert.deepEqual(starts[0]?.ids, ['e2']);
  });

  it('starts every open dispatch at once when closed for shutdown', async () => {
    const { dispatching, starts } = fakeDispatching({ autoRelease: true });
    const dispatcher = new EventDispatcher(dispatching, 60_000);
    await dispatcher.accept(event('a1', 'own_a'));
    await dispatcher.accept(event('a2', 'own_a'));
    await dispatcher.accept(event('b1', 'own_b'));
    await dispatcher.accept(event('b2', 'own_b'));
    await dispatcher.closeAll();
    assert.deepEqual(starts.map((s) => s.ids).sort(), [['a2'], ['b2']]);
  });

  it('leaves a start that fails while closing for shutdown to recovery, untried again', async () => {
    const { dispatcher, starts, failures } = await openDispatchWhoseStartFails(60_000);
    await dispatcher.closeAll();
    await sleep(1_200);
    assert.equal(failures.length, 1);
    assert.deepEqual(starts, [], 'its pending record stays for another API process');
  });

  it('rejects one event with its own refusal and answers the others of its dispatch', async () => {
    const conflict = new Error('conflict');
    const { dispatching } = fakeDispatching();
    dispatching.commit = (events) =>
      Promise.resolve(
        events.map((e): Outcome => (e.id === 'bad' ? { refused: conflict } : (acceptedAll([e])[0] as Outcome))),
      );
    // No interval: every write is a commit.
    const dispatcher = new EventDispatcher(dispatching, 0);
    const [good, bad] = [dispatcher.accept(event('good')), dispatcher.accept(event('bad'))];
    assert.equal((await good).event.id, 'good');
    await assert.rejects(bad, conflict);
  });
});
