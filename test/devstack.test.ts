import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Connection } from 'mongoose';
import { after, describe, it } from 'node:test';
import type { DeliverDispatchInput } from '../shared/dispatch';
import { idOf, type EventKey } from '../core/ids';
import { createModels } from '../infra/models';
import { connectMongo, syncIndexes } from '../infra/mongo';
import { pageFilter } from '../services/pagination';
import { connectTemporalClient } from '../infra/temporal-client';
import { DISPATCH_WORKFLOW, SEARCH_ATTRIBUTES } from '../shared/temporal-names';
import { withPostgres } from '../scripts/devstack/postgres';
import { freeStackPorts, startStack, type Stack } from '../scripts/devstack/stack';
import type { deliverDispatch } from '../workflows';
import { throwawayDir } from './support/throwaway-dir';

/**
 * What `npm run dev` promises after Ctrl-C: the next start finds the earlier
 * events and workflows. Runs a stack of its own (never the given services) in
 * a throwaway directory, twice.
 */
describe('dev stack', () => {
  const dataDir = throwawayDir('hookflow-devstack-');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps MongoDB documents and Temporal workflows across a restart', async () => {
    const ports = await freeStackPorts();
    const options = { ports, dataDir, logPrefix: 'devstack-test-', useExternal: false };
    const workflowId = `event:persisted-${Date.now()}`;

    const first = await startStack(options);
    try {
      assert.equal(first.env.TEMPORAL_ADDRESS, `127.0.0.1:${ports.temporal}`);
      const mongo = await connectMongo(first.env.MONGODB_URI as string);
      await mongo.collection('events').insertOne({ _id: 'evt_kept' as never, type: 'resource.created' });
      await mongo.close();
      const temporal = await connectTemporalClient({
        address: first.env.TEMPORAL_ADDRESS,
        namespace: 'default',
        taskQueue: 'nobody-polls-this',
      });
      // No worker polls this queue: the workflow stays open, which is what a restart must preserve.
      const dispatch: DeliverDispatchInput = {
        ownerId: idOf('owner', 'own_kept'),
        events: [{ eventKey: 'evt_kept' as EventKey }],
      };
      await temporal.workflow.start<typeof deliverDispatch>(DISPATCH_WORKFLOW, {
        workflowId,
        taskQueue: 'nobody-polls-this',
        args: [dispatch],
        typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.eventType, value: 'resource.created' }],
      });
      await temporal.connection.close();
    } finally {
      await first.stop();
    }

    const second = await startStack(options);
    try {
      const mongo = await connectMongo(second.env.MONGODB_URI as string);
      assert.deepEqual(await mongo.collection('events').findOne({ _id: 'evt_kept' as never }), {
        _id: 'evt_kept',
        type: 'resource.created',
      });
      await mongo.close();
      const temporal = await connectTemporalClient({
        address: second.env.TEMPORAL_ADDRESS as string,
        namespace: 'default',
        taskQueue: 'nobody-polls-this',
      });
      const described = await temporal.workflow.getHandle(workflowId).describe();
      assert.equal(described.status.name, 'RUNNING');
      assert.equal(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.eventType), 'resource.created');
      await temporal.workflow.getHandle(workflowId).terminate('test done');
      await temporal.connection.close();
    } finally {
      await second.stop();
    }
  });

  /**
   * Runs `work` on a database made after the start of a stack of its own on
   * PostgreSQL, as each test file and bench scenario has (its tables appear at
   * its first insert), then drops it.
   */
  async function withLaterDatabase(name: string, work: (mongo: Connection, stack: Stack) => Promise<void>) {
    const stack = await startStack({
      ports: await freeStackPorts(),
      dataDir,
      logPrefix: 'devstack-test-',
      useExternal: false,
      store: 'postgresql',
    });
    try {
      const url = new URL(stack.env.MONGODB_URI as string);
      url.pathname = `/${name}`;
      const mongo = await connectMongo(url.toString());
      try {
        await work(mongo, stack);
        await mongo.dropDatabase();
      } finally {
        await mongo.close();
      }
    } finally {
      await stack.stop();
    }
  }

  it('serves the hot lookups from an index, in a database made after the start', () =>
    withLaterDatabase('hookflow_devstack_later', async (mongo) => {
      const deliveries = mongo.collection('deliveries');
      await deliveries.insertMany(
        Array.from({ length: 2000 }, (_, i) => ({
          _id: `dlv_${i}` as never,
          hookId: `hook_${i % 40}`,
          ownerId: `own_${i % 10}`,
          eventId: `evt_${i}`,
          status: 'succeeded',
          createdAt: new Date(Date.now() - i * 1000),
        })),
      );
      const hotFilters = [
        { _id: 'dlv_7' },
        { hookId: 'hook_3' },
        { ownerId: 'own_3', status: 'succeeded' },
        // A hook's second page of deliveries, as the API asks for it.
        pageFilter({ ownerId: 'own_3', hookId: 'hook_3' }, { createdAt: new Date(), id: 'dlv_1000' }),
      ];
      for (const filter of hotFilters) {
        const plan = JSON.stringify(await deliveries.find(filter as never).explain());
        // PostgreSQL's plan (FerretDB passes it on) names the index it scans; MongoDB's an IXSCAN stage.
        assert.match(plan, /"Index Name"|IXSCAN|IDHACK/, `${JSON.stringify(filter)} scans the collection: ${plan}`);
      }
    }));

  it("keeps every model index on FerretDB's list, and maintains only the unique ones on PostgreSQL", () =>
    withLaterDatabase('hookflow_devstack_indexes', async (mongo, stack) => {
      const { Delivery } = createModels(mongo);
      await syncIndexes(mongo);
      // As the next start of the API or the worker does: the indexes are found, nothing is refused.
      await syncIndexes(mongo);
      const declared = Delivery.schema.indexes().length + 1; // and _id's
      const listed = await Delivery.collection.indexes();
      assert.equal(listed.length, declared, JSON.stringify(listed));

      const tables = await withPostgres(stack.postgresUrl as string, async (client) => {
        const { rows } = await client.query<{ indexdef: string }>(
          `SELECT indexdef FROM pg_indexes WHERE schemaname = 'hookflow_devstack_indexes' AND tablename LIKE 'deliveries_%'`,
        );
        return rows.map((row) => row.indexdef);
      });
      const btrees = tables.filter((definition) => /USING btree/.test(definition));
      assert.equal(btrees.length, declared, JSON.stringify(tables));
      for (const definition of btrees) {
        const unique = definition.startsWith('CREATE UNIQUE INDEX');
        assert.equal(/ WHERE false$/.test(definition), !unique, definition);
      }
      // FerretDB's list stays true: an index it lists can be dropped through it.
      const someIndex = listed.find((index) => index.name !== '_id_');
      await Delivery.collection.dropIndex(someIndex?.name as string);
      assert.equal((await Delivery.collection.indexes()).length, declared - 1);
    }));
});
