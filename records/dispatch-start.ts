import type { Client } from '@temporalio/client';
import { sequenceOf } from '../core/ordering';
import { INLINE_CONTENT_LIMIT, type DeliverDispatchInput, type DispatchedEvent } from '../shared/dispatch';
import type { DispatchId } from '../core/ids';
import type { Models } from '../infra/models';
import { eventView, type StoredEventRecord } from '../core/stored-events';
import { startDispatchWorkflow } from '../infra/workflow-starters';

/**
 * Starting a dispatch's workflow from its stored events: what committing a
 * dispatch, closing an open one, recovering an orphan and a producer's retry
 * all end with, as the worker's operational events do (records/operational-events.ts). Idempotent: the starter keeps each dispatch one workflow.
 */

/** The event as it travels in the workflow input; inline only when small, so that the input stays bounded. */
function dispatched(event: StoredEventRecord): DispatchedEvent {
  const content = { ...eventView(event), createdAt: event.createdAt.toISOString() };
  const small = Buffer.byteLength(JSON.stringify(content)) <= INLINE_CONTENT_LIMIT;
  const sequence = sequenceOf(event);
  return small ? { eventKey: event._id, sequence, content } : { eventKey: event._id, sequence };
}

/** What storing and starting dispatches need. */
export interface DispatchDependencies {
  models: Models;
  temporal: Client;
  taskQueue: string;
}

/**
 * Starts the workflow that delivers `events` (stored, of one owner); one that started before is left alone. A
 * dispatch that stored none (each of its events was a retry of one stored before, or a conflict) has nothing to
 * fan out: its record as under way goes (models/fan-out-pending.ts), or ordered lanes would read it for ever.
 */
export async function startDispatch(
  deps: DispatchDependencies,
  dispatchId: DispatchId | null | undefined,
  events: StoredEventRecord[],
): Promise<void> {
  const [first] = events;
  if (!first) {
    if (dispatchId) await deps.models.FanOutPending.deleteOne({ _id: dispatchId });
    return;
  }
  const input: DeliverDispatchInput = {
    ownerId: first.ownerId,
    ...(dispatchId ? { dispatchId } : {}),
    events: events.map(dispatched),
  };
  const oneType = events.every((event) => event.type === first.type);
  await startDispatchWorkflow(deps, { dispatchId, input, eventType: oneType ? first.type : undefined });
}

/** The events that a dispatch stored, in the order they were accepted: what its workflow delivers. */
export async function eventsOfDispatch(models: Models, dispatchId: DispatchId): Promise<StoredEventRecord[]> {
  const events = await models.Event.find({ dispatchId }).lean<StoredEventRecord[]>();
  return events.sort((a, b) => sequenceOf(a) - sequenceOf(b) || a._id.localeCompare(b._id));
}
