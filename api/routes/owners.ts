import { z } from 'zod';
import { issueApiKey, revokeApiKey } from '../../services/api-keys';
import { idOf } from '../../core/ids';
import type { Models } from '../../infra/models';
import { assertOwnerExists, createOwner, createOwnerInput, getOwner } from '../../services/owners';
import { defineRoute, type RouteDefinition } from '../route';
import { apiKeySchema, ownerSchema } from './schemas';

export function ownerRoutes(models: Models): RouteDefinition[] {
  const id = (params: Record<string, string>) => idOf('owner', params.id as string);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/owners',
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
      errors: { 422: 'The email has over 64 characters before the @, or a reserved `--` label' },
      handle: ({ body }) => createOwner(models, body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/owners/:id',
      tag: 'Owners',
      summary: 'Read an owner and its API keys (hints only)',
      access: 'admin',
      success: { status: 200, description: 'The owner', schema: ownerSchema },
      handle: ({ params }) => getOwner(models, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/owners/:id/keys',
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
      tag: 'Owners',
      summary: 'Revoke an API key, at once and for good',
      access: 'admin',
      success: { status: 200, description: 'The revoked key', schema: apiKeySchema },
      handle: ({ params }) => revokeApiKey(models, id(params), idOf('apiKey', params.keyId as string)),
    }),
  ];
}
