import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { ApiKeyId, OwnerId } from '../../core/ids';
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
  },
  { timestamps: true, versionKey: false },
);

export type Owner = WithIds<InferSchemaType<typeof ownerSchema>, { _id: OwnerId; liveKeyIds?: ApiKeyId[] | null }>;

export function ownerModel(connection: Connection) {
  return connection.model<Owner>('Owner', ownerSchema, 'owners');
}
