import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listDeliveriesQuery } from '../services/deliveries';
import { deliveryId, eventKey, newId, type EventId, type HookId } from '../core/ids';

/**
 * Ids of different kinds do not mix, at compile time: `tsc --noEmit` (which
 * `npm test` runs first) fails on each `@ts-expect-error` below whose line
 * compiles, that is as soon as the kinds stop keeping these ids apart.
 */
describe('id kinds', () => {
  const eventId = newId('event');
  const hookId = newId('hook');
  const ownerId = newId('owner');

  it('refuse a delivery id of swapped arguments, or of plain strings', () => {
    // @ts-expect-error: a hook id where the event id is due, and the other way round.
    const swapped = deliveryId(hookId, eventId);
    assert.notEqual(swapped, deliveryId(eventId, hookId), 'a swap names another delivery');
    // @ts-expect-error: a plain string does not say what it names.
    deliveryId('evt_1', 'hook_1');
  });

  it('refuse a hook id as an event id, an owner id as a hook id, and an event key of swapped arguments', () => {
    // @ts-expect-error: a HookId is not an EventId.
    const asEvent: EventId = hookId;
    // @ts-expect-error: nor is an OwnerId a HookId.
    const asHook: HookId = ownerId;
    // @ts-expect-error: the owner comes first in an event's key.
    eventKey(eventId, ownerId);
    assert.deepEqual([asEvent, asHook], [hookId, ownerId]);
  });

  it('give the ids a request names their kind as it is parsed', () => {
    const query = listDeliveriesQuery.parse({ hookId: 'hook_1' });
    // @ts-expect-error: a request's hookId is a HookId, not an EventId.
    const asEvent: EventId | undefined = query.hookId;
    assert.equal(asEvent, 'hook_1');
  });
});
