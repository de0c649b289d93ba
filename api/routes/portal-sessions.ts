import { z } from 'zod';
import { idOf } from '../../core/ids';
import {
  currentPortalSession,
  listPortalSessions,
  mintPortalSession,
  mintPortalSessionInput,
  revokePortalSession,
} from '../../services/portal-sessions';
import type { AppDependencies } from '../dependencies';
import { defineRoute, type RouteDefinition } from '../route';
import { portalSessionSchema } from './schemas';

export function portalSessionRoutes({ models, config }: AppDependencies): RouteDefinition[] {
  const ownerId = (params: Record<string, string>) => idOf('owner', params.id as string);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/portal-session',
      operationId: 'portalSessions.current',
      tag: 'Portal sessions',
      summary: 'Read the portal session whose token calls',
      description: 'For the portal page: its theme, whether it may change anything, when it ends.',
      access: 'tenant',
      success: { status: 200, description: 'The session', schema: portalSessionSchema },
      errors: { 404: "The key is not a portal session's token (`not_found`)" },
      handle: ({ caller }) => currentPortalSession(models, caller),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/owners/:id/portal-sessions',
      operationId: 'portalSessions.create',
      tag: 'Portal sessions',
      summary: 'Mint a short-lived portal session for one owner',
      description:
        'For the producer to hand one owner its portal: redirect the person to `url`, or embed it in an iframe. ' +
        "The `token` (also in the URL's fragment, which browsers send to no server) is shown once and works as " +
        "a bearer key on the owner's routes until `expiresAt` or until revoked; a `readOnly` session may only read.",
      access: 'admin',
      body: mintPortalSessionInput,
      success: {
        status: 201,
        description: 'The session, with its token and URL',
        schema: portalSessionSchema.extend({ token: z.string(), url: z.url() }),
      },
      handle: ({ params, body }) => mintPortalSession(models, config.publicUrl, ownerId(params), body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/owners/:id/portal-sessions',
      operationId: 'portalSessions.list',
      tag: 'Portal sessions',
      summary: "List an owner's portal sessions that still work, the last to end first",
      access: 'admin',
      success: { status: 200, description: 'The sessions', schema: z.object({ data: z.array(portalSessionSchema) }) },
      handle: ({ params }) => listPortalSessions(models, ownerId(params)),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/owners/:id/portal-sessions/:sessionId',
      operationId: 'portalSessions.revoke',
      tag: 'Portal sessions',
      summary: 'Revoke a portal session, at once',
      access: 'admin',
      success: { status: 200, description: 'The revoked session', schema: portalSessionSchema },
      handle: ({ params }) =>
        revokePortalSession(models, ownerId(params), idOf('portalSession', params.sessionId as string)),
    }),
  ];
}
