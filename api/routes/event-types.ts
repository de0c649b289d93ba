import { createEventType, createEventTypeInput, listEventTypes } from '../../services/event-types';
import type { Models } from '../../infra/models';
import { defineRoute, type RouteDefinition } from '../route';
import { eventTypeListSchema, eventTypeSchema } from './schemas';

export function eventTypeRoutes(models: Models): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/event-types',
      operationId: 'eventTypes.list',
      tag: 'Event types',
      summary: 'List the event types hooks may subscribe to',
      description: 'Sorted by name. A hook subscribes to these names, or to `prefix.*` and `prefix-*` patterns or `*`.',
      access: 'tenant',
      success: { status: 200, description: 'Every event type', schema: eventTypeListSchema },
      handle: async () => ({ data: await listEventTypes(models) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/event-types',
      operationId: 'eventTypes.create',
      tag: 'Event types',
      summary: 'Register an event type',
      description:
        'Events of a type with a `schema` are refused with a 422 `schema_mismatch` when their `data` does not match it; ' +
        'with `resourceTypes`, events about other resource types, and hooks that could only want it for other ' +
        'resource types, are refused with a 422.',
      access: 'admin',
      body: createEventTypeInput,
      success: { status: 201, description: 'The event type', schema: eventTypeSchema },
      errors: {
        409: 'An event type by that name exists',
        422: 'The `schema` is not a JSON Schema Hookflow can use (`unprocessable`)',
      },
      handle: ({ body }) => createEventType(models, body),
    }),
  ];
}
