import { z } from 'zod';
import {
  acceptEvent,
  acceptEventBatch,
  eventOwnerQuery,
  getEventWithDeliveries,
  listEvents,
  listEventsQuery,
  postEventBatchInput,
  postEventInput,
} from '../../services/events';
import { EVENT_DELIVERIES_PAGE } from '../../services/deliveries';
import { EventTypeCache } from '../../services/event-types';
import type { AppDependencies } from '../dependencies';
import { idOf } from '../../core/ids';
import { IDEMPOTENCY_KEY, idempotencyKey } from '../idempotency-key';
import { Reply } from '../reply';
import { defineRoute, type RouteDefinition } from '../route';
import { CURSOR_REFUSED } from './refusals';
import { deliverySummarySchema, eventSchema, pageOf } from './schemas';

const EVENT_REFUSED =
  'An event type that is not in the catalogue, a resource type the type does not allow, `data` that does not match its schema (`schema_mismatch`), or no `ownerId` with the admin key (`unprocessable`)';

export function eventRoutes({ models, dispatcher, metrics }: AppDependencies): RouteDefinition[] {
  const deps = { models, dispatcher, eventTypes: new EventTypeCache() };
  return [
    defineRoute({
      method: 'post',
      path: '/v1/events',
      operationId: 'events.create',
      tag: 'Events',
      summary: 'Post an event for delivery to every subscribed hook',
      description:
        "Answers 202 once the event is stored and its delivery started or, for an event within the dispatch interval of its owner's last dispatch (100 ms unless the operator set HOOKFLOW_DISPATCH_INTERVAL), recorded as pending (it starts within that interval, with the others of that stream). An `id` (or `Idempotency-Key` header) the owner sent before answers 200 with the original event, starting its delivery if a first post failed before that (nothing runs twice); the same id with other content is a 409. Ids are each owner's own: another owner's ids are never a conflict. With an owner key, `ownerId` is implied.",
      access: 'tenant',
      body: postEventInput,
      idempotencyKey: IDEMPOTENCY_KEY,
      success: {
        status: 202,
        description: 'Accepted for delivery',
        schema: eventSchema,
        also: [{ status: 200, description: 'The same event was posted before: the original; nothing runs twice' }],
      },
      errors: {
        404: '`ownerId` names no owner',
        409: 'The `id` (or Idempotency-Key) names an event with other content',
        422: `${EVENT_REFUSED}; or an \`id\` that differs from the Idempotency-Key`,
      },
      handle: async ({ body, caller, req }) => {
        const { event, created } = await acceptEvent(deps, caller, body, idempotencyKey(req));
        if (created) metrics.eventsAccepted.inc();
        return created ? event : new Reply(200, event);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/events/batch',
      operationId: 'events.createBatch',
      tag: 'Events',
      summary: 'Post the events of one dispatch, sharing a messageId',
      description: 'Every event is checked before any is stored: one bad event refuses the batch.',
      access: 'tenant',
      body: postEventBatchInput,
      success: {
        status: 202,
        description: 'Accepted for delivery',
        schema: z.object({ messageId: z.string(), events: z.array(eventSchema) }),
      },
      errors: {
        409: 'An `id` names an event with other content',
        422: `${EVENT_REFUSED}, an \`ownerId\` that names no owner, or two events with one \`id\`; the message names the event (\`events.N\`)`,
      },
      handle: async ({ body, caller }) => {
        const { answer, created } = await acceptEventBatch(deps, caller, body);
        metrics.eventsAccepted.inc(created);
        return answer;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/events',
      operationId: 'events.list',
      tag: 'Events',
      summary: 'List events, newest first',
      access: 'tenant',
      query: listEventsQuery,
      success: { status: 200, description: 'A page of events', schema: pageOf(eventSchema) },
      errors: { 422: CURSOR_REFUSED },
      handle: ({ query, caller }) => listEvents(models, caller, query),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/events/:id',
      operationId: 'events.get',
      tag: 'Events',
      summary: 'Read an event and how its newest deliveries went',
      description: `The id is the producer's, within the owner. With the admin key, \`ownerId\` names the owner; it is required (400) when more than one owner sent the id. \`deliveries\` holds the event's ${EVENT_DELIVERIES_PAGE} newest delivery summaries (newest first, as \`GET /v1/deliveries\` orders them); when it has more, \`deliveriesNextCursor\` is the \`cursor\` of \`GET /v1/deliveries?eventId=<id>\` (with the admin key, also \`&ownerId=<owner>\`) for the next page.`,
      access: 'tenant',
      query: eventOwnerQuery,
      success: {
        status: 200,
        description: `The event, with its ${EVENT_DELIVERIES_PAGE} newest delivery summaries`,
        schema: eventSchema.extend({
          deliveries: z.array(deliverySummarySchema),
          deliveriesNextCursor: z
            .string()
            .optional()
            .describe('The `cursor` of `GET /v1/deliveries?eventId=` for the next page; absent when this is all'),
        }),
      },
      handle: ({ params, query, caller }) =>
        getEventWithDeliveries(models, caller, idOf('event', params.id as string), query),
    }),
  ];
}
