import type { RequestHandler } from 'express';
import { ValidationError } from '../core/errors';

const NUL = '\u0000';

interface NulProblem {
  path: string;
  message: string;
}

/** The first string (value or key) of a parsed JSON body that holds a NUL, walked with a stack of its own (bodies may nest deep). */
function nulInBody(body: unknown): NulProblem | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: body, path: '(body)' }];
  while (pending.length > 0) {
    const { value, path } = pending.pop() as (typeof pending)[number];
    if (typeof value === 'string' && value.includes(NUL)) return { path, message: 'must not contain a NUL character' };
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (key.includes(NUL)) return { path, message: `key ${JSON.stringify(key)} must not contain a NUL character` };
      pending.push({ value: child, path: path === '(body)' ? key : `${path}.${key}` });
    }
  }
  return undefined;
}

/**
 * No string Hookflow is sent may hold a NUL (U+0000): PostgreSQL, under the
 * dev stack's store, cannot keep one in a JSON value, and a query by an id
 * holding one failed there as a 500. Refusing it everywhere (path, query,
 * body) is the one answer that is the same on every store. A NUL reaches a
 * path only percent-encoded: Node's parser refuses the raw byte.
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.path)) {
    const problem = { path: '(path)', message: 'must not contain a NUL character (%00)' };
    throw new ValidationError(`path: ${problem.message}`, [problem]);
  }
  const query = Object.entries(req.query as Record<string, unknown>).find(
    ([name, value]) => name.includes(NUL) || JSON.stringify(value).includes('\\u0000'),
  );
  if (query) {
    const problem = { path: query[0], message: 'must not contain a NUL character' };
    throw new ValidationError(`${problem.path}: ${problem.message}`, [problem]);
  }
  const inBody = nulInBody(req.body);
  if (inBody) throw new ValidationError(`${inBody.path}: ${inBody.message}`, [inBody]);
  next();
};
