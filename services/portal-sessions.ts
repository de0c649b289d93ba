import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { duration, durationMs } from '../core/durations';
import { NotFoundError, NotPortalSessionError } from '../core/errors';
import type { Caller } from '../core/caller';
import { newId, type OwnerId, type PortalSessionId } from '../core/ids';
import type { Models } from '../infra/models';
import type { PortalSession } from '../infra/models/portal-session';
import { hashApiKey } from './api-keys';
import { assertOwnerExists, liveOwner } from './owners';

/** Tokens read `hfp_...`, apart from owner keys (`hfk_...`), so that the authenticator knows where to look. */
export const PORTAL_TOKEN_PREFIX = 'hfp_';

/**
 * The producer's branding for the session's portal, held to the rules the portal applies to its query parameters
 * (portal/src/logic/theme.ts, which imports nothing of the server's), but refused here rather than ignored: a
 * name of at most 60 characters, a hex colour, a logo at an `https:` URL or a path on this server (the page's
 * CSP loads images from nowhere else).
 */
export const portalThemeInput = z
  .strictObject({
    name: z.string().trim().min(1).max(60).optional().describe("The title in the portal's bar and tab"),
    color: z
      .string()
      .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour: #rgb or #rrggbb')
      .optional()
      .describe('The accent; the text on it is black or white, whichever reads better'),
    logoUrl: z
      .string()
      .max(2048)
      .regex(/^(?:https:\/\/[^\s/?#]+\S*|\/(?!\/)\S*)$/, 'must be an https: URL or a path on this server')
      .optional()
      .describe('An image shown before the name'),
  })
  .describe("Shown by the portal over the URL's query parameters");

export const mintPortalSessionInput = z
  .object({
    expiresIn: duration({ min: '1m', max: '7d' })
      .default('1h')
      .describe('How long the session works: from 1m to 7d, 1h unless said'),
    readOnly: z
      .boolean()
      .default(false)
      .describe('A read-only session may read what the owner can, and change nothing'),
    theme: portalThemeInput.optional(),
  })
  .strict();

type Stored = PortalSession & { _id: PortalSessionId; createdAt: Date };

/** The fields the producer gave: the driver reads the ones it left out as null. */
function themeView(theme: NonNullable<PortalSession['theme']>) {
  return {
    name: theme.name ?? undefined,
    color: theme.color ?? undefined,
    logoUrl: theme.logoUrl ?? undefined,
  };
}

export function portalSessionView(session: Stored) {
  return {
    id: session._id,
    ownerId: session.ownerId,
    readOnly: session.readOnly,
    expiresAt: session.expiresAt,
    revokedAt: session.revokedAt ?? undefined,
    theme: session.theme ? themeView(session.theme) : undefined,
    createdAt: session.createdAt,
  };
}

/**
 * Mints a session for one owner: its token (32 random bytes, shown here and
 * never again; a digest is kept, as for API keys) and the portal URL that
 * carries it. The token travels in the URL's fragment, which browsers send
 * to no server: it stays out of access logs and Referer headers.
 */
export async function mintPortalSession(
  models: Models,
  publicUrl: string,
  ownerId: OwnerId,
  input: z.infer<typeof mintPortalSessionInput>,
) {
  await assertOwnerExists(models, ownerId);
  const token = `${PORTAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored = await models.PortalSession.create({
    _id: newId('portalSession'),
    ownerId,
    hash: hashApiKey(token),
    readOnly: input.readOnly,
    expiresAt: new Date(Date.now() + durationMs(input.expiresIn)),
    theme: input.theme,
  });
  return { ...portalSessionView(stored.toObject()), token, url: `${publicUrl}/portal/#token=${token}` };
}

/** The owner's sessions that still work, the newest first. */
export async function listPortalSessions(models: Models, ownerId: OwnerId) {
  await assertOwnerExists(models, ownerId);
  const sessions = await models.PortalSession.find({ ownerId, expiresAt: { $gt: new Date() }, revokedAt: null })
    .sort({ expiresAt: -1 })
    .lean();
  return { data: sessions.map(portalSessionView) };
}

/** Revoking is immediate: the next request with its token is refused. Revoking again answers the same. */
export async function revokePortalSession(models: Models, ownerId: OwnerId, id: PortalSessionId) {
  await models.PortalSession.updateOne({ _id: id, ownerId, revokedAt: null }, { $set: { revokedAt: new Date() } });
  const session = await models.PortalSession.findOne({ _id: id, ownerId }).lean();
  if (!session) throw new NotFoundError('portal session', id);
  return portalSessionView(session);
}

/**
 * The session the caller's token is, for the portal to learn its theme and whether it may change anything. Read
 * by the id authentication found, so a session revoked or expired since never gets this far.
 */
export async function currentPortalSession(models: Models, caller: Caller) {
  const session =
    caller.kind === 'owner' && caller.portalSession
      ? await models.PortalSession.findOne({ _id: caller.portalSession.id, ownerId: caller.ownerId }).lean()
      : null;
  if (!session) throw new NotPortalSessionError();
  return portalSessionView(session);
}

/** An authenticated portal session: whose, whether it may change anything, and the owner's acceptanceVersion. */
export interface SessionOwner {
  ownerId: OwnerId;
  portalSession: { id: PortalSessionId; readOnly: boolean };
  acceptanceVersion: number;
}

/**
 * Authenticates portal tokens: the session by its digest (a unique index),
 * while it has not expired nor been revoked, then its owner, while it is not
 * being deleted. Two reads a request: a portal serves a person, not a stream.
 */
export class PortalSessionAuthenticator {
  constructor(private readonly models: Models) {}

  async ownerOf(token: string): Promise<SessionOwner | undefined> {
    const session = await this.models.PortalSession.findOne(
      { hash: hashApiKey(token), revokedAt: null, expiresAt: { $gt: new Date() } },
      { ownerId: 1, readOnly: 1 },
    ).lean();
    if (!session) return undefined;
    const owner = await this.models.Owner.findOne(liveOwner(session.ownerId), { acceptanceVersion: 1 }).lean();
    if (!owner) return undefined;
    return {
      ownerId: session.ownerId,
      portalSession: { id: session._id, readOnly: session.readOnly },
      acceptanceVersion: owner.acceptanceVersion ?? 0,
    };
  }
}
