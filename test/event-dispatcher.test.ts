import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_EVENTS_PER_DISPATCH } from '../domain/dispatch';
import type { NewEvent, Outcome } from '../domain/dispatches';
import { EventDispatcher, MAX_DISPATCH_WAIT_MS } from '../domain/event-dispatcher';

const event = (id: string, ownerId = 'own_a'): NewEvent => ({ id, ownerId, type: 'follow', data: {} });

/** A commit that holds each dispatch until the test releases it, recording what each one held. */
function heldCommits() {
  const dispatches: { ids: string[]; released: boolean; release(): void; fail(error: Error): void }[] = [];
  const commit = (events: NewEvent[]) =>
    new Promise<Outcome[]>((resolve, reject) => {
      const outcomes = events.map((e) => ({
        accepted: { event: { _id: `${e.ownerId}/${e.id}`, ...e, createdAt: new Date() }, created: true },
      }));
      const dispatch = {
        ids: events.map((e) => e.id),
        released: false,
        release: () => {
          dispatch.released = true;
          resolve(outcomes);
        },
        fail: reject,
      };
      dispatches.push(dispatch);
    });
  return { dispatches, commit };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit of accepted events', () => {
  it('flushes an event at once, alone, when nothing of its owner is in flight', async () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    const accepted = dispatcher.accept(event('e1'));
    assert.deepEqual(
      dispatches.map((d) => d.ids),
      [['e1']],
    );
    dispatches[0]?.release();
    assert.equal((await accepted).event.id, 'e1');
  });

  it('sends the events that arrive during a flush together in the next one', async () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    const first = dispatcher.accept(event('e1'));
    const later = ['e2', 'e3', 'e4'].map((id) => dispatcher.accept(event(id)));
    assert.equal(dispatches.length, 1, 'the later events wait for the flush in flight');
    dispatches[0]?.release();
    await first;
    await tick();
    assert.deepEqual(
      dispatches.map((d) => d.ids),
      [['e1'], ['e2', 'e3', 'e4']],
    );
    dispatches[1]?.release();
    assert.deepEqual(
      (await Promise.all(later)).map((a) => a.event.id),
      ['e2', 'e3', 'e4'],
    );
  });

  it('keeps owners apart: one owner in flight does not hold another', () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    void dispatcher.accept(event('a1', 'own_a'));
    void dispatcher.accept(event('b1', 'own_b'));
    assert.deepEqual(
      dispatches.map((d) => d.ids),
      [['a1'], ['b1']],
    );
  });

  it(`flushes at ${MAX_EVENTS_PER_DISPATCH} waiting events without waiting for the flush in flight`, () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    for (let i = 0; i <= MAX_EVENTS_PER_DISPATCH + 1; i += 1) void dispatcher.accept(event(`e${i}`));
    assert.equal(dispatches.length, 2);
    assert.equal(dispatches[1]?.ids.length, MAX_EVENTS_PER_DISPATCH);
    assert.deepEqual(dispatches[1]?.ids.slice(0, 2), ['e1', 'e2']);
  });

  it('holds no more events in a dispatch than their keys fit in the EventIds search attribute (2,048 bytes)', async () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    const longId = (i: number) => `${'x'.repeat(120)}-${i}`;
    const accepted = Array.from({ length: 40 }, (_, i) => dispatcher.accept(event(longId(i))));
    while (dispatches.some((d) => !d.released)) {
      for (const d of dispatches) d.release();
      await tick();
    }
    await Promise.all(accepted);
    const waiting = dispatches.slice(1);
    assert.ok(waiting.length >= 2, `${waiting.length} dispatches for the 39 waiting events`);
    assert.equal(waiting.flatMap((d) => d.ids).length, 39);
    for (const d of waiting) {
      assert.ok(Buffer.byteLength(JSON.stringify(d.ids.map((id) => `own_a/${id}`))) <= 2048);
    }
  });

  it('splits a batch whose keys do not fit one EventIds into consecutive dispatches, in order', async () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    const ids = Array.from({ length: 30 }, (_, i) => `${'y'.repeat(120)}-${i}`);
    const together = dispatcher.acceptTogether(ids.map((id) => event(id)));
    while (dispatches.some((d) => !d.released)) {
      for (const d of dispatches) d.release();
      await tick();
    }
    const outcomes = await together;
    assert.ok(dispatches.length >= 2);
    assert.deepEqual(
      dispatches.flatMap((d) => d.ids),
      ids,
    );
    assert.deepEqual(
      outcomes.map((o) => ('accepted' in o ? o.accepted.event.id : undefined)),
      ids,
    );
  });

  it(`flushes waiting events after ${MAX_DISPATCH_WAIT_MS} ms even when the flush in flight hangs`, async () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    void dispatcher.accept(event('e1'));
    void dispatcher.accept(event('e2'));
    const waitedFrom = Date.now();
    while (dispatches.length < 2 && Date.now() - waitedFrom < 2_000) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(
      dispatches.map((d) => d.ids),
      [['e1'], ['e2']],
    );
    assert.ok(Date.now() - waitedFrom >= MAX_DISPATCH_WAIT_MS - 1);
  });

  it('answers every event of a failed flush with its error, and the next events flush anew', async () => {
    const { dispatches, commit } = heldCommits();
    const dispatcher = new EventDispatcher(commit);
    const first = dispatcher.accept(event('e1'));
    const second = dispatcher.accept(event('e2'));
    const outage = new Error('store unreachable');
    dispatches[0]?.fail(outage);
    await assert.rejects(first, outage);
    await tick();
    dispatches[1]?.fail(outage);
    await assert.rejects(second, outage);
    const third = dispatcher.accept(event('e3'));
    assert.deepEqual(dispatches[2]?.ids, ['e3']);
    dispatches[2]?.release();
    assert.equal((await third).event.id, 'e3');
  });

  it('rejects one event with its own refusal and answers the others of its dispatch', async () => {
    const conflict = new Error('conflict');
    const dispatcher = new EventDispatcher((events) =>
      Promise.resolve(
        events.map((e): Outcome =>
          e.id === 'bad'
            ? { refused: conflict }
            : { accepted: { event: { _id: e.id, ...e, createdAt: new Date() }, created: true } },
        ),
      ),
    );
    const [good, bad] = [dispatcher.accept(event('good')), dispatcher.accept(event('bad'))];
    assert.equal((await good).event.id, 'good');
    await assert.rejects(bad, conflict);
  });
});
