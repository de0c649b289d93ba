import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bulkWriteInCommands, STATEMENTS_PER_COMMAND, type BulkCounts } from '../infra/bulk-writes';

/**
 * Bulk writes in commands of a few statements (infra/bulk-writes.ts): each
 * command small enough for FerretDB's pool, in order, their counts added up.
 * test/event-types.test.ts seeds from four connections at once on the stack,
 * which hung the store with the seeding in one command.
 */
describe('bulk writes in small commands', () => {
  it('sends the operations in order, at most STATEMENTS_PER_COMMAND a command, and adds up the counts', async () => {
    const commands: { operations: number[]; ordered: boolean }[] = [];
    const model = {
      bulkWrite(operations: number[], options: { ordered: boolean }): Promise<BulkCounts> {
        commands.push({ operations, ordered: options.ordered });
        return Promise.resolve({ upsertedCount: 1, modifiedCount: operations.length, deletedCount: 2 });
      },
    };
    const operations = Array.from({ length: 2 * STATEMENTS_PER_COMMAND + 3 }, (_, i) => i);
    const counts = await bulkWriteInCommands(model, operations, { ordered: true });

    assert.deepEqual(
      commands.map((command) => command.operations.length),
      [STATEMENTS_PER_COMMAND, STATEMENTS_PER_COMMAND, 3],
    );
    assert.deepEqual(
      commands.flatMap((command) => command.operations),
      operations,
      'every operation once, in order',
    );
    assert.ok(commands.every((command) => command.ordered));
    assert.deepEqual(counts, { upsertedCount: 3, modifiedCount: operations.length, deletedCount: 6 });
  });

  it('sends nothing for no operations', async () => {
    const model = { bulkWrite: () => Promise.reject(new Error('an empty command')) };
    assert.deepEqual(await bulkWriteInCommands(model, [], { ordered: false }), {
      upsertedCount: 0,
      modifiedCount: 0,
      deletedCount: 0,
    });
  });
});
