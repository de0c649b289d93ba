import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventTypeCache } from '../services/event-types';
import type { Models } from '../infra/models';

/** A catalogue of the given type names that counts its reads. */
function catalogue(names: string[]) {
  const reads: string[] = [];
  const models = {
    EventType: {
      findById: (name: string) => ({
        lean: () => {
          reads.push(name);
          return Promise.resolve(names.includes(name) ? { _id: name } : null);
        },
      }),
    },
  } as unknown as Models;
  return { models, reads };
}

describe('event type cache', () => {
  it('reads a type once per owner version, unknown names included', async () => {
    const { models, reads } = catalogue(['order.paid']);
    const cache = new EventTypeCache();
    const read = cache.reader(models, 'own_1', 3);
    assert.deepEqual(await read('order.paid'), { _id: 'order.paid' });
    assert.equal(await read('order.paid.typo'), null);
    assert.deepEqual(await cache.reader(models, 'own_1', 3)('order.paid'), { _id: 'order.paid' });
    assert.equal(await cache.reader(models, 'own_1', 3)('order.paid.typo'), null);
    assert.deepEqual(reads, ['order.paid', 'order.paid.typo']);
    // A version bump (a change to the owner's types) reads again.
    await cache.reader(models, 'own_1', 4)('order.paid');
    assert.deepEqual(reads, ['order.paid', 'order.paid.typo', 'order.paid']);
  });

  it('keeps at most its bound: made-up names push out the least recently used, not grow the process', async () => {
    const { models, reads } = catalogue(['order.paid']);
    const cache = new EventTypeCache(3);
    const read = cache.reader(models, 'own_1', 1);
    await read('order.paid');
    for (let i = 0; i < 1_000; i++) {
      await read(`made.up.${i}`);
      await read('order.paid'); // posted between, so the most recently used
    }
    assert.equal(reads.filter((name) => name === 'order.paid').length, 1, 'the type in use stays cached');
    reads.length = 0;
    await read('made.up.0');
    assert.deepEqual(reads, ['made.up.0'], 'an early made-up name was dropped');
  });
});
