import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiKeyAuthenticator } from '../services/api-keys';
import { PORTAL_TOKEN_PREFIX, PortalSessionAuthenticator } from '../services/portal-sessions';
import type { Caller } from '../core/caller';
import { AppError, UnauthorizedError } from '../core/errors';
import type { Models } from '../infra/models';
import type { Authenticate } from './route';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearerKey(req: Request): string {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.get('authorization') ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  return match[1];
}

/** What a read-only portal session may do: read. */
const READING = new Set(['GET', 'HEAD']);

/**
 * The admin key passes everywhere. An owner key or a portal session passes
 * on tenant routes and makes the caller that owner, a read-only session for
 * reads only; revoked keys, ended sessions and those of deleted owners fail
 * the same way unknown keys do.
 */
export function createAuthenticator(adminKey: string, models: Models): Authenticate {
  const expectedAdmin = digest(adminKey);
  const ownerKeys = new ApiKeyAuthenticator(models);
  const portalSessions = new PortalSessionAuthenticator(models);
  return async (req, access) => {
    const key = bearerKey(req);
    // Comparing fixed-length digests keeps the check constant-time whatever was sent.
    if (timingSafeEqual(digest(key), expectedAdmin)) return { kind: 'admin' };
    const owner = key.startsWith(PORTAL_TOKEN_PREFIX)
      ? await portalSessions.ownerOf(key)
      : await ownerKeys.ownerOf(key);
    if (!owner) throw new UnauthorizedError();
    if (access === 'admin') throw new AppError(403, 'forbidden', 'This route needs the admin key');
    const caller: Caller = { kind: 'owner', ...owner };
    if (caller.portalSession?.readOnly && !READING.has(req.method)) {
      throw new AppError(403, 'read_only', 'This portal session is read-only: it may read, and change nothing');
    }
    return caller;
  };
}
