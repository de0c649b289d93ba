import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPattern, subscriptionKeysFor } from '../core/event-patterns';

describe('event subscriptions', () => {
  it('lists every key that matches a dotted event type', () => {
    assert.deepEqual(subscriptionKeysFor('resource.created'), ['*', 'resource.*', 'resource.created']);
    assert.deepEqual(subscriptionKeysFor('a.b.c'), ['*', 'a.*', 'a.b.*', 'a.b.c']);
  });

  it('matches the data portal types by their dashed prefix', () => {
    // The data portal's seed names its events dataset-created, dataset-error, ..., visualization-published.
    assert.deepEqual(subscriptionKeysFor('dataset-created'), ['*', 'dataset-*', 'dataset-created']);
    assert.deepEqual(subscriptionKeysFor('visualization-published'), [
      '*',
      'visualization-*',
      'visualization-published',
    ]);
  });

  it('stops at every dot and dash alike', () => {
    assert.deepEqual(subscriptionKeysFor('a.b-c.d'), ['*', 'a.*', 'a.b-*', 'a.b-c.*', 'a.b-c.d']);
  });

  it('matches types without a separator only exactly or by *', () => {
    assert.deepEqual(subscriptionKeysFor('onDeviceRegister'), ['*', 'onDeviceRegister']);
    assert.deepEqual(subscriptionKeysFor('follow_user'), ['*', 'follow_user']);
  });

  it('tells patterns from names', () => {
    assert.equal(isPattern('*'), true);
    assert.equal(isPattern('resource.*'), true);
    assert.equal(isPattern('dataset-*'), true);
    assert.equal(isPattern('resource.created'), false);
    assert.equal(isPattern('dataset-created'), false);
    assert.equal(isPattern('dataset*'), false);
  });
});
