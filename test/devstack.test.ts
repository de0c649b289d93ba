import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connectMongo } from '../domain/mongo';
import { connectTemporalClient } from '../domain/temporal-client';
import { SEARCH_ATTRIBUTES } from '../domain/temporal-names';
import { freeStackPorts, startStack } from '../scripts/devstack/stack';

/**
 * What `npm run dev` promises after Ctrl-C: the next start finds the earlier
 * events and workflows. Runs a stack of its own (never the given services) in
 * a throwaway directory, twice.
 */
describe('dev stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookflow-devstack-'));
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
      await temporal.workflow.start('deliverEvent', {
        workflowId,
        taskQueue: 'nobody-polls-this',
        args: [{ eventId: 'evt_kept' }],
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
});
