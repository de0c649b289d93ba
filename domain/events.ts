import { isDeepStrictEqual } from 'node:util';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { ConflictError, NotFoundError } from './errors';
import { newId } from './ids';
import type { Models } from './models';
import { eventWorkflowId, SEARCH_ATTRIBUTES } from './temporal-names';
import { deliverySummaryView, eventView } from './views';

export const postEventInput = z.strictObject({
  /** Producers may name their events, which makes a retried POST harmless. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits or _ . : -')
    .optional(),
  type: z.string().regex(/^[A-Za-z][\w.-]{0,127}$/, 'must be an event type name such as resource.created'),
  ownerId: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

export interface EventDependencies {
  models: Models;
  temporal: Client;
  taskQueue: string;
}

/** Inserts the event, or finds the same event already there; a different event under that id is a conflict. */
async function storeOnce(models: Models, event: z.infer<typeof postEventInput> & { id: string }) {
  const { id, ...content } = event;
  try {
    return { event: (await models.Event.create({ _id: id, ...content })).toObject(), created: true };
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    const existing = await models.Event.findById(id).lean();
    if (!existing) throw error;
    const same =
      existing.type === content.type &&
      existing.ownerId === content.ownerId &&
      isDeepStrictEqual(existing.data, content.data);
    if (!same) throw new ConflictError(`Event ${id} already exists with different content`);
    return { event: existing, created: false };
  }
}

/**
 * Saves the event, then starts its delivery workflow. Both steps are
 * idempotent, so a producer that retries after a crash between them gets its
 * event delivered exactly once.
 */
export async function acceptEvent(
  { models, temporal, taskQueue }: EventDependencies,
  input: z.infer<typeof postEventInput>,
) {
  if (!(await models.Owner.exists({ _id: input.ownerId }))) throw new NotFoundError('owner', input.ownerId);
  const { event, created } = await storeOnce(models, { ...input, id: input.id ?? newId('event') });
  try {
    await temporal.workflow.start('deliverEvent', {
      workflowId: eventWorkflowId(event._id),
      taskQueue,
      // A closed workflow for this event means it was handled; never run it twice.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ eventId: event._id }],
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.ownerId, value: event.ownerId },
        { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { event: eventView(event), created };
}

export async function getEventWithDeliveries(models: Models, id: string) {
  const event = await models.Event.findById(id).lean();
  if (!event) throw new NotFoundError('event', id);
  const deliveries = await models.Delivery.find({ eventId: id }).sort({ hookId: 1 }).lean();
  return { ...eventView(event), deliveries: deliveries.map(deliverySummaryView) };
}
