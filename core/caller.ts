/**
 * Who is calling: the producer with the admin key, or one owner with one of
 * its own keys. Every domain function that reads or writes tenant data takes
 * a Caller and scopes itself with ownerScope().
 */
import { NotFoundError, UnauthorizedError, UnprocessableError } from './errors';
import type { ApiKeyId, OwnerId, PortalSessionId } from './ids';

export type Caller =
  | { kind: 'admin' }
  /**
   * One owner, by one of its keys or a portal session the producer minted for
   * it (a read-only session may only read). `acceptanceVersion`: the owner's,
   * when authenticating read it (ApiKeyAuthenticator, PortalSessionAuthenticator).
   */
  | {
      kind: 'owner';
      ownerId: OwnerId;
      keyId?: ApiKeyId;
      portalSession?: { id: PortalSessionId; readOnly: boolean };
      acceptanceVersion?: number;
    }
  /** Someone on a public route (docs, probes): may read nothing of any tenant. */
  | { kind: 'anonymous' };

/** The filter that keeps an owner inside its own data; the admin sees everything. */
export function ownerScope(caller: Caller): { ownerId?: OwnerId } {
  if (caller.kind === 'anonymous') throw new UnauthorizedError();
  return caller.kind === 'owner' ? { ownerId: caller.ownerId } : {};
}

/**
 * The owner a write is for: an owner key implies its own (naming another
 * looks exactly like naming one that does not exist); the admin must say.
 */
export function ownerIdFor(caller: Caller, requested: OwnerId | undefined): OwnerId {
  if (caller.kind === 'anonymous') throw new UnauthorizedError();
  if (caller.kind === 'owner') {
    if (requested && requested !== caller.ownerId) throw new NotFoundError('owner', requested);
    return caller.ownerId;
  }
  if (!requested) throw new UnprocessableError('ownerId: required with the admin key');
  return requested;
}
