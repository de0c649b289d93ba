import type { DispatchedEvent } from '../shared/dispatch';
import { eventView } from '../core/stored-events';
import type { Models } from '../infra/models';
import type { DeliveryEvent } from '../targets/contract';

/**
 * The dispatch's events as targets render them: the content the workflow
 * carries, or, for an event too large to carry, the stored event read by key.
 * One findById each rather than one `_id: {$in}`: FerretDB 1.24 pushes only
 * equality down to SQL and would read every stored event for the `$in`.
 */
export function deliveryEventsOf(models: Models, events: readonly DispatchedEvent[]): Promise<DeliveryEvent[]> {
  return Promise.all(
    events.map(async ({ eventKey, content }) => {
      if (content) return { ...content, createdAt: new Date(content.createdAt) };
      const stored = await models.Event.findById(eventKey).lean();
      if (!stored) throw new Error(`Event ${eventKey} does not exist`);
      return eventView(stored);
    }),
  );
}
