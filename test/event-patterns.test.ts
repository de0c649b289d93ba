import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPattern, subscriptionKeysFor } from '../core/event-patterns';

describe('event subscriptions', () => {
  it('lists every key that matches a dotted event type', () => {
    assert.deepEqual(subscriptionKeysFor('resource.created'), ['*', 'resource.*', 'resource.created']);
    assert.deepEqual(subscriptionKeysFor('a.b.c'), ['*', 'a.*', 'a.b.*', 'a.b.c']);
  });

  it('matches undotted types only exactly or by *', () => {
    assert.deepEqual(subscriptionKeysFor('onDeviceRegister'), ['*', 'onDeviceRegister']);
    assert.deepEqual(subscriptionKeysFor('dataset-created'), ['*', 'dataset-created']);
  });

  it('tells patterns from names', () => {
    assert.equal(isPattern('*'), true);
    assert.equal(isPattern('resource.*'), true);
    assert.equal(isPattern('resource.created'), false);
  });
});
