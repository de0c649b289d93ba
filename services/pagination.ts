import type { Model } from 'mongoose';
import { z } from 'zod';
import { UnprocessableError } from '../core/errors';

/**
 * Newest first, by (createdAt, _id). The cursor names the last item seen, so
 * a page never shifts when new items arrive while someone pages through.
 */
/** A page's `cursor`: the `nextCursor` this API answered with the page before. */
export const pageCursor = z
  .string()
  .regex(/^[\w-]{1,512}$/, 'must be a nextCursor this API returned')
  .optional()
  .describe('The `nextCursor` of the previous page');

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: pageCursor,
});

export type PageQuery = z.infer<typeof pageQuery>;

/** The largest time a JavaScript Date holds, either side of 1970 (ECMA-262, 21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

export interface Cursor {
  createdAt: Date;
  id: string;
}

function encodeCursor(item: { _id: string; createdAt: Date }): string {
  return Buffer.from(JSON.stringify([item.createdAt.getTime(), item._id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    // Only a time this API could have written: a whole number of milliseconds that a Date can hold
    // (a cursor of [1e300, "x"] made an Invalid Date that the query could not cast: a 500).
    if (Number.isSafeInteger(time) && Math.abs(time as number) <= MAX_DATE_MS && typeof id === 'string') {
      return { createdAt: new Date(time as number), id };
    }
  } catch {
    // Reported below.
  }
  throw new UnprocessableError('cursor: not a cursor this API returned');
}

/** A filter of equalities and ranges on fields: no `$or` of its own, which a page's cursor adds. */
export type PageFilter = Record<string, unknown> & { $or?: never };

/**
 * What a page after `after` matches: the filter's fields stay at the top
 * level beside the cursor's `$or`, not inside an `$and`. FerretDB 1.24 hands
 * a query's top-level equalities to its store's indexes and evaluates the rest
 * itself; under a top-level `$and` a second page of one hook's deliveries read
 * every delivery (18 s of CPU at 100,000 against 30 ms for the first page,
 * bench/store-probe.ts). MongoDB serves both shapes alike.
 */
export function pageFilter(filter: PageFilter, after: Cursor | undefined): Record<string, unknown> {
  if (!after) return filter;
  return {
    ...filter,
    $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }],
  };
}

/** Every page's order, which each list's index ends with (see the models). */
export const PAGE_SORT = { createdAt: -1, _id: -1 } as const;

export async function paginate<T extends { _id: string; createdAt: Date }>(
  // Any model: the caller names the lean type it reads back.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>,
  filter: PageFilter,
  { limit, cursor }: PageQuery,
): Promise<{ items: T[]; nextCursor: string | undefined }> {
  const found = (await model
    .find(pageFilter(filter, cursor ? decodeCursor(cursor) : undefined))
    .sort(PAGE_SORT)
    .limit(limit + 1)
    .lean()) as T[];
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > limit && last ? encodeCursor(last) : undefined };
}
