import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import type { OwnerId, PortalSessionId } from '../../core/ids';
import type { WithIds } from './with-ids';

/**
 * A portal session the producer minted for one owner: a digest of its token,
 * never the token. It works until `expiresAt`, or until revoked.
 */
const portalSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    hash: { type: String, required: true },
    readOnly: { type: Boolean, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: Date,
    /** The producer's branding for the portal (services/portal-sessions.ts portalThemeInput). */
    theme: { type: new Schema({ name: String, color: String, logoUrl: String }, { _id: false }), default: undefined },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

portalSessionSchema.index({ hash: 1 }, { unique: true });
portalSessionSchema.index({ ownerId: 1, expiresAt: 1 });
// Last: FerretDB 1.24 refuses TTL indexes, after making the ones before (infra/mongo.ts syncIndexes). A day
// after it ends, MongoDB drops an expired session's record; on FerretDB it stays, refused by its expiresAt.
portalSessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 86_400 });

export type PortalSession = WithIds<
  InferSchemaType<typeof portalSessionSchema>,
  { _id: PortalSessionId; ownerId: OwnerId }
>;

export function portalSessionModel(connection: Connection) {
  return connection.model<PortalSession>('PortalSession', portalSessionSchema, 'portal_sessions');
}
