import { getDelivery, listDeliveries, listDeliveriesQuery } from '../../services/deliveries';
import { idOf } from '../../core/ids';
import type { Models } from '../../infra/models';
import { defineRoute, type RouteDefinition } from '../route';
import { CURSOR_REFUSED } from './refusals';
import { deliverySchema, deliverySummarySchema, pageOf } from './schemas';

export function deliveryRoutes(models: Models): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/deliveries',
      operationId: 'deliveries.list',
      tag: 'Deliveries',
      summary: 'List deliveries, newest first',
      access: 'tenant',
      query: listDeliveriesQuery,
      success: { status: 200, description: 'A page of deliveries', schema: pageOf(deliverySummarySchema) },
      errors: { 422: `${CURSOR_REFUSED}, or \`until\` is not later than \`since\`` },
      handle: ({ query, caller }) => listDeliveries(models, caller, query),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/deliveries/:id',
      operationId: 'deliveries.get',
      tag: 'Deliveries',
      summary: 'Read a delivery with every attempt',
      access: 'tenant',
      success: { status: 200, description: 'The delivery', schema: deliverySchema },
      handle: ({ params, caller }) => getDelivery(models, caller, idOf('delivery', params.id as string)),
    }),
  ];
}
