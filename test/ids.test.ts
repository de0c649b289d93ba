import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventIdInput } from '../services/events';
import { deliveryId, eventKey, idOf, newId } from '../core/ids';

const owner = (id: string) => idOf('owner', id);
const event = (id: string) => idOf('event', id);
const hook = (id: string) => idOf('hook', id);

describe('ids', () => {
  it('prefixes ids with their kind and never repeats one', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('event')));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^evt_[0-9a-hjkmnp-tv-z]{26}$/);
    assert.match(newId('hook'), /^hook_/);
  });

  it('sorts ids made later after ids made earlier', () => {
    assert.ok(newId('event', 1_700_000_000_000) < newId('event', 1_700_000_000_001));
  });

  it('gives one delivery id per (event, hook) pair', () => {
    assert.equal(deliveryId(event('evt_1'), hook('hook_1')), deliveryId(event('evt_1'), hook('hook_1')));
    assert.notEqual(deliveryId(event('evt_1'), hook('hook_1')), deliveryId(event('evt_1'), hook('hook_2')));
    assert.notEqual(deliveryId(event('evt_1'), hook('hook_1')), deliveryId(event('evt_2'), hook('hook_1')));
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    assert.notEqual(deliveryId(event('ab'), hook('c')), deliveryId(event('a'), hook('bc')));
    assert.match(deliveryId(event('evt_1'), hook('hook_1')), /^dlv_[0-9a-z]{26}$/);
  });

  it("keys an event by its owner and the producer's id, so that two owners' ids never meet", () => {
    assert.equal(eventKey(owner('own_a'), event('order-1')), eventKey(owner('own_a'), event('order-1')));
    assert.notEqual(eventKey(owner('own_a'), event('order-1')), eventKey(owner('own_b'), event('order-1')));
    // Producer ids may hold ':' but never '/', the separator: ("a:b", "c") and ("a", "b:c") stay apart.
    assert.notEqual(eventKey(owner('own_a:b'), event('c')), eventKey(owner('own_a'), event('b:c')));
    assert.equal(eventIdInput.safeParse('b/c').success, false);
  });
});
