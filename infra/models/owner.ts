import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { ApiKeyId, OwnerId } from '../../core/ids';
import type { OwnerDataRemoved } from '../../shared/owner-data';
import type { WithIds } from './with-ids';

/** A tenant: the person or team that subscribes hooks and is emailed about them. */
const ownerSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    /**
     * Bumped by every change that affects which of its events the API accepts
     * (event types registered): API processes cache what they read per version.
     */
    acceptanceVersion: { type: Number, default: 0 },
    /**
     * The ids of its keys that work: what authenticating a key checks, in the
     * same read as acceptanceVersion (api-keys.ts). Absent on owners made
     * before it existed, whose keys are checked on their own records.
     */
    liveKeyIds: { type: [String], default: undefined },
    /**
     * Set once the owner's deletion is asked for: its keys stop working and its
     * data goes in batches (workflows/delete-owner.ts), counted here as it goes;
     * the record itself goes last.
     */
    deletion: {
      type: new Schema(
        { requestedAt: { type: Date, required: true }, removed: { type: Schema.Types.Mixed, default: () => ({}) } },
        { _id: false },
      ),
      default: undefined,
    },
  },
  { timestamps: true, versionKey: false },
);

// Serves the admin's list of owners, newest first.
ownerSchema.index({ createdAt: -1, _id: -1 });

export type Owner = WithIds<
  InferSchemaType<typeof ownerSchema>,
  {
    _id: OwnerId;
    liveKeyIds?: ApiKeyId[] | null;
    deletion?: { requestedAt: Date; removed: OwnerDataRemoved } | null;
  }
>;

export function ownerModel(connection: Connection) {
  return connection.model<Owner>('Owner', ownerSchema, 'owners');
}
