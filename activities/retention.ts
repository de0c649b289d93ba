import { durationMs } from '../domain/durations';
import type { Models } from '../domain/models';

/**
 * Deletes one batch of the records older than the retention: deliveries
 * first, then replays, then events, so that nothing is left pointing at a
 * deleted event. Answers how many it deleted.
 */
export function createRetentionActivities({ models }: { models: Models }) {
  return {
    async deleteExpiredBatch(input: { retention: string; limit: number }): Promise<number> {
      const cutoff = new Date(Date.now() - durationMs(input.retention));
      for (const { collection } of [models.Delivery, models.Replay, models.Event]) {
        // Ids first, then a delete by id: a bounded batch on MongoDB and FerretDB alike.
        const expired = await collection
          .find({ createdAt: { $lt: cutoff } }, { projection: { _id: 1 } })
          .limit(input.limit)
          .toArray();
        if (expired.length === 0) continue;
        const deleted = await collection.deleteMany({ _id: { $in: expired.map((doc) => doc._id) } });
        return deleted.deletedCount;
      }
      return 0;
    },
  };
}
