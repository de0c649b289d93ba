import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownerIdFor, ownerScope } from '../core/caller';
import { NotFoundError, UnauthorizedError, UnprocessableError } from '../core/errors';
import { idOf } from '../core/ids';

describe('caller scoping', () => {
  const ownA = idOf('owner', 'own_a');
  const owner = { kind: 'owner', ownerId: ownA, keyId: idOf('apiKey', 'key_a') } as const;

  it('keeps an owner to its own data and lets the admin see all', () => {
    assert.deepEqual(ownerScope(owner), { ownerId: 'own_a' });
    assert.deepEqual(ownerScope({ kind: 'admin' }), {});
  });

  it('gives an anonymous caller nothing at all', () => {
    assert.throws(() => ownerScope({ kind: 'anonymous' }), UnauthorizedError);
    assert.throws(() => ownerIdFor({ kind: 'anonymous' }, ownA), UnauthorizedError);
  });

  it('writes for the owner of the key, and makes the admin name one', () => {
    assert.equal(ownerIdFor(owner, undefined), 'own_a');
    assert.equal(ownerIdFor(owner, ownA), 'own_a');
    assert.throws(() => ownerIdFor(owner, idOf('owner', 'own_b')), NotFoundError);
    assert.equal(ownerIdFor({ kind: 'admin' }, idOf('owner', 'own_b')), 'own_b');
    assert.throws(() => ownerIdFor({ kind: 'admin' }, undefined), UnprocessableError);
  });
});
