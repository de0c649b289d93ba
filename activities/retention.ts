import { Context } from '@temporalio/activity';
import type { Model, mongo } from 'mongoose';
import { createdHourOf, hourAfter } from '../core/created-hour';
import { durationMs } from '../core/durations';
import type { Models } from '../infra/models';
import { bulkWriteInCommands } from '../infra/bulk-writes';

/** What retention reads and writes of a swept record. */
interface SweptRecord {
  _id: string;
  createdAt: Date;
  createdHour?: string | null;
}

/** Records stamped per write while giving the records from before `createdHour` theirs. */
const STAMP_BATCH = 1_000;

/** What the sweep deletes in one hour of records: served by {createdHour, createdAt} (sweptByRetention). */
export function expiredHourFilter(hour: string) {
  return { createdHour: hour };
}

/** What expired in the hour the cutoff falls in: FerretDB reads that hour's records, and evaluates `createdAt`. */
export function cutoffHourFilter(cutoff: Date) {
  return { createdHour: createdHourOf(cutoff), createdAt: { $lt: cutoff } };
}

/** The records from before `createdHour` existed: read once per collection (a scan on FerretDB). */
export function undatedFilter() {
  return { createdHour: null };
}

/**
 * Retention sweeps hour by hour, by equality on `createdHour`, from where the
 * last sweep stopped (the collection's `retention_state` document, read by
 * `_id`) to the hour of the cutoff: a sweep costs what it deletes, on MongoDB
 * (an index) and FerretDB (which pushes down only equalities) alike. Before
 * this, a `createdAt: {$lt}` find read every row on FerretDB (197 s of server
 * CPU per sweep at 1,000,000 deliveries, bench/store-probe.ts).
 * Deliveries first, then replays, then events, so that nothing is left
 * pointing at a deleted event.
 */
export function createRetentionActivities({ models }: { models: Models }) {
  // Any swept model: only their common fields are read and written.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const swept: Model<any>[] = [models.Delivery, models.Replay, models.Event];
  const { RetentionState } = models;

  /** The hour the last sweep stopped at or, for a collection never swept, its oldest record's. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function firstHourToSweep(model: Model<any>): Promise<string | undefined> {
    const state = await RetentionState.findById(model.collection.collectionName).lean();
    if (state?.sweptBefore) return state.sweptBefore;
    // The first sweep of a store finds its oldest hour with one query (a read of the whole collection on
    // FerretDB, once; the index on MongoDB); every later one starts from the state.
    // (Only records with an hour: one without would sort first, and hide the oldest.)
    const oldest = await model
      .findOne({ createdHour: { $type: 'string' } }, { createdHour: 1 })
      .sort({ createdHour: 1 })
      .lean();
    return (oldest as { createdHour?: string } | null)?.createdHour;
  }

  function recordSweptBefore(collection: string, hour: string) {
    return RetentionState.updateOne({ _id: collection }, { $set: { sweptBefore: hour } }, { upsert: true });
  }

  return {
    /**
     * Gives the records written before `createdHour` existed theirs (from
     * `createdAt`), once per collection: the state records that it was done.
     * One pass of one cursor, heartbeating; a retried try starts over on what
     * is left. `updatedAt` stays as it was: this is not a change of the record.
     */
    async stampUndatedRecords(): Promise<number> {
      let stamped = 0;
      for (const model of swept) {
        const collection = model.collection.collectionName;
        const state = await RetentionState.findById(collection).lean();
        if (state?.undatedStamped) continue;
        // Raw: mongoose would move `updatedAt` too.
        const raw = model.collection as unknown as mongo.Collection<SweptRecord>;
        const cursor = raw.find(undatedFilter(), { projection: { createdAt: 1 } });
        let batch: SweptRecord[] = [];
        const stamp = async () => {
          await bulkWriteInCommands(
            raw,
            batch.map((record) => ({
              updateOne: {
                filter: { _id: record._id },
                update: { $set: { createdHour: createdHourOf(record.createdAt) } },
              },
            })),
            { ordered: false },
          );
          stamped += batch.length;
          batch = [];
          Context.current().heartbeat(stamped);
        };
        for await (const record of cursor) {
          // A record without a creation time was never expired by the `createdAt` sweep either: it stays so.
          if (!(record.createdAt instanceof Date)) continue;
          batch.push(record);
          if (batch.length === STAMP_BATCH) await stamp();
        }
        if (batch.length > 0) await stamp();
        await RetentionState.updateOne({ _id: collection }, { $set: { undatedStamped: true } }, { upsert: true });
      }
      return stamped;
    },

    /**
     * Deletes the records older than the retention, a whole hour at a time,
     * until it has deleted `limit` or more (an hour is not split: it is one
     * equality) or nothing is left. Answers how many it deleted, and whether
     * it is done.
     */
    async deleteExpiredBatch(input: { retention: string; limit: number }): Promise<{ deleted: number; done: boolean }> {
      const cutoff = new Date(Date.now() - durationMs(input.retention));
      const cutoffHour = createdHourOf(cutoff);
      let deleted = 0;
      for (const model of swept) {
        const collection = model.collection.collectionName;
        let hour = await firstHourToSweep(model);
        for (; hour !== undefined && hour < cutoffHour; hour = hourAfter(hour)) {
          deleted += (await model.deleteMany(expiredHourFilter(hour))).deletedCount;
          if (deleted >= input.limit) {
            await recordSweptBefore(collection, hourAfter(hour));
            return { deleted, done: false };
          }
        }
        // The cutoff's own hour is not over: what in it is older than the cutoff goes, and it is swept again next time.
        deleted += (await model.deleteMany(cutoffHourFilter(cutoff))).deletedCount;
        // Every record written from now on is of this hour or later.
        await recordSweptBefore(collection, cutoffHour);
        if (deleted >= input.limit) return { deleted, done: false };
      }
      return { deleted, done: true };
    },
  };
}
