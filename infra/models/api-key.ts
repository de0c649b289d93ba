import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { ApiKeyId, OwnerId } from '../../core/ids';
import type { WithIds } from './with-ids';

/** An owner's API key as stored: a digest, never the key itself. */
const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    hash: { type: String, required: true },
    /** The key's last characters, so that people can tell their keys apart. */
    hint: { type: String, required: true },
    revokedAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ ownerId: 1 });

export type ApiKey = WithIds<InferSchemaType<typeof apiKeySchema>, { _id: ApiKeyId; ownerId: OwnerId }>;

export function apiKeyModel(connection: Connection) {
  return connection.model<ApiKey>('ApiKey', apiKeySchema, 'api_keys');
}
