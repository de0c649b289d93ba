import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../domain/errors';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Only the producer's admin key passes; owners' own keys arrive with the management API. */
export function requireAdminKey(adminKey: string): RequestHandler {
  const expected = digest(adminKey);
  return (req, _res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    // Comparing fixed-length digests keeps the check constant-time whatever was sent.
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) throw new UnauthorizedError();
    next();
  };
}
