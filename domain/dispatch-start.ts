import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DISPATCH_WORKFLOW, INLINE_CONTENT_LIMIT, type DeliverDispatchInput, type DispatchedEvent } from './dispatch';
import type { DispatchDependencies, StoredEventRecord } from './dispatches';
import { eventView } from './events';
import type { Models } from './models';
import { dispatchWorkflowId, eventWorkflowId, SEARCH_ATTRIBUTES } from './temporal-names';

/**
 * Starting a dispatch's workflow from its stored events: what committing a
 * dispatch, closing an open one, recovering an orphan and a producer's retry
 * all end with. Idempotent: REJECT_DUPLICATE keeps each dispatch one workflow.
 */

/** The event as it travels in the workflow input; inline only when small, so that the input stays bounded. */
function dispatched(event: StoredEventRecord): DispatchedEvent {
  const content = { ...eventView(event), createdAt: event.createdAt.toISOString() };
  const small = Buffer.byteLength(JSON.stringify(content)) <= INLINE_CONTENT_LIMIT;
  return small ? { eventKey: event._id, content } : { eventKey: event._id };
}

/** A dispatch of one event is that event's workflow, as before group commit; several share a dispatch's. */
function workflowIdOf(dispatchId: string | null | undefined, events: StoredEventRecord[]): string {
  const [first] = events;
  if (dispatchId && events.length > 1) return dispatchWorkflowId(dispatchId);
  if (!first || events.length > 1) throw new Error('A dispatch without an id holds one event');
  return eventWorkflowId(first._id);
}

/** Starts the workflow that delivers `events` (stored, of one owner); one that started before is left alone. */
export async function startDispatch(
  { temporal, taskQueue }: DispatchDependencies,
  dispatchId: string | null | undefined,
  events: StoredEventRecord[],
): Promise<void> {
  const [first] = events;
  if (!first) return;
  const input: DeliverDispatchInput = { ownerId: first.ownerId, events: events.map(dispatched) };
  const oneType = events.every((event) => event.type === first.type);
  try {
    await temporal.workflow.start(DISPATCH_WORKFLOW, {
      workflowId: workflowIdOf(dispatchId, events),
      taskQueue,
      // A closed workflow for this dispatch means it was handled; never run it twice.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [input],
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.ownerId, value: first.ownerId },
        { key: SEARCH_ATTRIBUTES.eventIds, value: events.map((event) => event._id) },
        ...(oneType ? [{ key: SEARCH_ATTRIBUTES.eventType, value: first.type }] : []),
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** The events that a dispatch stored, oldest first: what its workflow delivers. */
export async function eventsOfDispatch(models: Models, dispatchId: string): Promise<StoredEventRecord[]> {
  const events = await models.Event.find({ dispatchId }).lean<StoredEventRecord[]>();
  return events.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id));
}
