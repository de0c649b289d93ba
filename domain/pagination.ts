import type { Model } from 'mongoose';
import { z } from 'zod';
import { UnprocessableError } from './errors';

/**
 * Newest first, by (createdAt, _id). The cursor names the last item seen, so
 * a page never shifts when new items arrive while someone pages through.
 */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^[\w-]{1,512}$/, 'must be a nextCursor this API returned')
    .optional()
    .describe('The `nextCursor` of the previous page'),
});

export type PageQuery = z.infer<typeof pageQuery>;

interface Cursor {
  createdAt: Date;
  id: string;
}

function encodeCursor(item: { _id: string; createdAt: Date }): string {
  return Buffer.from(JSON.stringify([item.createdAt.getTime(), item._id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof time === 'number' && typeof id === 'string') return { createdAt: new Date(time), id };
  } catch {
    // Reported below.
  }
  throw new UnprocessableError('cursor: not a cursor this API returned');
}

export async function paginate<T extends { _id: string; createdAt: Date }>(
  // Any model: the caller names the lean type it reads back.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>,
  filter: Record<string, unknown>,
  { limit, cursor }: PageQuery,
): Promise<{ items: T[]; nextCursor: string | undefined }> {
  const after = cursor ? decodeCursor(cursor) : undefined;
  const query = after
    ? {
        $and: [
          filter,
          { $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }] },
        ],
      }
    : filter;
  const found = (await model
    .find(query)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean()) as T[];
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > limit && last ? encodeCursor(last) : undefined };
}
