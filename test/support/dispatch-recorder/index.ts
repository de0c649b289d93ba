import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../../../infra/config';
import { recorderActivities, type RecordedDispatch } from './activities';

/**
 * A worker on a test Hookflow's task queue whose DISPATCH_WORKFLOW records
 * the dispatches the API starts instead of delivering them (start the
 * Hookflow with `worker: false`). `recorded` fills as workflows run.
 */
export async function startDispatchRecorder(config: Config) {
  const recorded: RecordedDispatch[] = [];
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: recorderActivities(recorded),
  });
  const running = worker.run();
  return {
    recorded,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
