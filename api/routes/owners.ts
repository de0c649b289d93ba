import { z } from 'zod';
import { issueApiKey, revokeApiKey } from '../../services/api-keys';
import { idOf } from '../../core/ids';
import type { AppDependencies } from '../dependencies';
import {
  assertOwnerExists,
  createOwner,
  createOwnerInput,
  deleteOwner,
  getOwner,
  listOwners,
  listOwnersQuery,
  updateOwner,
  updateOwnerInput,
} from '../../services/owners';
import { defineRoute, type RouteDefinition } from '../route';
import { CURSOR_REFUSED } from './refusals';
import { apiKeySchema, ownerSchema, ownerSummarySchema, pageOf } from './schemas';

/** What the email's schema cannot say, refused with a 422. */
const EMAIL_REFUSED = 'The email has over 64 characters before the @, or a reserved `--` label';

export function ownerRoutes({ models, temporal, config }: AppDependencies): RouteDefinition[] {
  const id = (params: Record<string, string>) => idOf('owner', params.id as string);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/owners',
      operationId: 'owners.create',
      tag: 'Owners',
      summary: 'Create an owner and its first API key',
      description: 'The `apiKey` in the answer is shown once: only a digest of it is stored.',
      access: 'admin',
      body: createOwnerInput,
      success: {
        status: 201,
        description: 'The owner, with its API key',
        schema: ownerSchema.extend({ apiKey: z.string() }),
      },
      errors: { 422: EMAIL_REFUSED },
      handle: ({ body }) => createOwner(models, body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/owners',
      operationId: 'owners.list',
      tag: 'Owners',
      summary: 'List owners, newest first',
      access: 'admin',
      query: listOwnersQuery,
      success: { status: 200, description: 'A page of owners', schema: pageOf(ownerSummarySchema) },
      errors: { 422: CURSOR_REFUSED },
      handle: ({ query }) => listOwners(models, query),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/owners/:id',
      operationId: 'owners.update',
      tag: 'Owners',
      summary: "Change an owner's name or the email its alerts go to",
      access: 'admin',
      body: updateOwnerInput,
      success: { status: 200, description: 'The owner as changed', schema: ownerSchema },
      errors: { 409: 'The owner is being deleted', 422: EMAIL_REFUSED },
      handle: ({ params, body }) => updateOwner(models, id(params), body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/owners/:id',
      operationId: 'owners.delete',
      tag: 'Owners',
      summary: 'Delete an owner and all its data',
      description:
        'Its API keys stop working at once. A `deleteOwner` workflow (`delete-owner:<id>`) then removes its hooks, ' +
        'replay schedules, replays, deliveries, hook stats, events, portal sessions and keys in batches, stopping ' +
        'the schedules, replays and retries Temporal runs for them; `GET /v1/owners/:id` shows `deletion.removed` ' +
        'as it goes, and answers 404 once the owner itself is gone. Asked again meanwhile, it answers the same ' +
        'deletion.',
      access: 'admin',
      success: { status: 202, description: 'The deletion has started', schema: ownerSchema },
      handle: ({ params }) => deleteOwner({ models, temporal, taskQueue: config.temporal.taskQueue }, id(params)),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/owners/:id',
      operationId: 'owners.get',
      tag: 'Owners',
      summary: 'Read an owner and its API keys (hints only)',
      access: 'admin',
      success: { status: 200, description: 'The owner', schema: ownerSchema },
      handle: ({ params }) => getOwner(models, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/owners/:id/keys',
      operationId: 'owners.createKey',
      tag: 'Owners',
      summary: 'Issue another API key for an owner',
      description: 'The `apiKey` in the answer is shown once.',
      access: 'admin',
      success: { status: 201, description: 'The new key', schema: apiKeySchema.extend({ apiKey: z.string() }) },
      handle: async ({ params }) => {
        await assertOwnerExists(models, id(params));
        return issueApiKey(models, id(params));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/owners/:id/keys/:keyId',
      operationId: 'owners.revokeKey',
      tag: 'Owners',
      summary: 'Revoke an API key, at once and for good',
      access: 'admin',
      success: { status: 200, description: 'The revoked key', schema: apiKeySchema },
      handle: ({ params }) => revokeApiKey(models, id(params), idOf('apiKey', params.keyId as string)),
    }),
  ];
}
