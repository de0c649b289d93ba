import type { Client } from '@temporalio/client';
import type { Model } from 'mongoose';
import { mapWithConcurrency } from '../core/concurrency';
import { idOf, type OwnerId } from '../core/ids';
import type { Models } from '../infra/models';
import type { OwnerDataPart, OwnerDataRemoved } from '../shared/owner-data';
import { cancelReplayWorkflow, cancelRetryWorkflow, removeReplaySchedule } from '../infra/workflow-stops';

/** Workflows stopped at once while a batch goes: one Temporal call each. */
const STOPS_IN_FLIGHT = 10;

export function createOwnerRemovalActivities({ models, temporal }: { models: Models; temporal: Client }) {
  /**
   * Per part of an owner's data: its model, and what must stop in Temporal
   * before its records go (a schedule would tick, a replay would page on, a
   * retry would wake up hours later).
   */
  const parts = {
    hooks: { model: models.Hook },
    replaySchedules: {
      model: models.ReplaySchedule,
      release: (records) =>
        mapWithConcurrency(records, STOPS_IN_FLIGHT, (r) =>
          removeReplaySchedule(temporal, idOf('replaySchedule', r._id)),
        ),
    },
    replays: {
      model: models.Replay,
      release: (records) =>
        mapWithConcurrency(
          records.filter((r) => r.status === 'running'),
          STOPS_IN_FLIGHT,
          (r) => cancelReplayWorkflow(temporal, idOf('replay', r._id)),
        ),
    },
    deliveries: {
      model: models.Delivery,
      release: (records) =>
        mapWithConcurrency(
          records.filter((r) => r.status === 'retrying'),
          STOPS_IN_FLIGHT,
          (r) => cancelRetryWorkflow(temporal, idOf('delivery', r._id)),
        ),
    },
    hookStats: { model: models.HookStats },
    events: { model: models.Event },
    pendingDispatches: { model: models.PendingDispatch },
    fanOutsPending: { model: models.FanOutPending },
    portalSessions: { model: models.PortalSession },
    apiKeys: { model: models.ApiKey },
  } satisfies Record<OwnerDataPart, Part>;

  return {
    /**
     * Removes up to `limit` records of one part of an owner's data, after
     * stopping what Temporal runs for them, and counts them on the owner's
     * record for whoever watches the deletion. Each record goes by its `_id`,
     * which FerretDB 1.24 looks up in its index (a `$in` it would evaluate on
     * every row). Safe to retry: a retried batch finds only what is left.
     * Answers how many records went.
     */
    async removeOwnerData(input: { ownerId: OwnerId; part: OwnerDataPart; limit: number }): Promise<number> {
      const part: Part = parts[input.part];
      const batch = await part.model
        .find({ ownerId: input.ownerId }, { _id: 1, status: 1 })
        .limit(input.limit)
        .lean<PartRecord[]>();
      if (batch.length === 0) return 0;
      await part.release?.(batch);
      const removed = await part.model.bulkWrite(
        batch.map(({ _id }) => ({ deleteOne: { filter: { _id } } })),
        { ordered: false },
      );
      await models.Owner.updateOne(
        { _id: input.ownerId },
        { $inc: { [`deletion.removed.${input.part}`]: removed.deletedCount } },
        { timestamps: false },
      );
      return batch.length;
    },

    /** Removes the owner's own record, last; answers what its deletion removed. */
    async finishOwnerRemoval(input: { ownerId: OwnerId }): Promise<OwnerDataRemoved> {
      const owner = await models.Owner.findById(input.ownerId, { deletion: 1 }).lean();
      await models.Owner.deleteOne({ _id: input.ownerId, deletion: { $exists: true } });
      return owner?.deletion?.removed ?? {};
    },
  };
}

/** What a removal reads of a record: its id, and its status where it has one. */
interface PartRecord {
  _id: string;
  status?: string;
}

interface Part {
  // Any of the owner's models: each part reads and deletes by _id alone.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>;
  release?: (records: PartRecord[]) => Promise<unknown>;
}
