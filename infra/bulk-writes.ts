/**
 * FerretDB 1.24 holds a PostgreSQL connection for each statement of one
 * update command that matches a document, until the whole command ends: its
 * handler (internal/handler/msg_update.go) defers closing each statement's
 * iterator inside its loop, and a one-document statement never drains its
 * iterator. Its pool holds 50 connections. Two processes seeding the 26
 * catalogue types at once took them all and hung the store for every client
 * (the test run's goroutine dump: three update commands held all 50, each
 * waiting for one more). Bulk writes therefore go in commands of at most this
 * many statements, one command after the other: four processes at once hold
 * 32 at most. MongoDB gains nothing from the split, and loses a few round trips.
 */
export const STATEMENTS_PER_COMMAND = 8;

export interface BulkCounts {
  upsertedCount: number;
  modifiedCount: number;
  deletedCount: number;
}

/**
 * `model.bulkWrite(operations, options)`, STATEMENTS_PER_COMMAND at a time,
 * in order; answers the counts of all. `ordered: true` keeps the order
 * across commands too, as one command would.
 */
export async function bulkWriteInCommands<Operation>(
  model: { bulkWrite(operations: Operation[], options: { ordered: boolean }): Promise<BulkCounts> },
  operations: Operation[],
  options: { ordered: boolean },
): Promise<BulkCounts> {
  const counts: BulkCounts = { upsertedCount: 0, modifiedCount: 0, deletedCount: 0 };
  for (let start = 0; start < operations.length; start += STATEMENTS_PER_COMMAND) {
    const result = await model.bulkWrite(operations.slice(start, start + STATEMENTS_PER_COMMAND), options);
    counts.upsertedCount += result.upsertedCount;
    counts.modifiedCount += result.modifiedCount;
    counts.deletedCount += result.deletedCount;
  }
  return counts;
}
