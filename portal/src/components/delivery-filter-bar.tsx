import { useEffect, useState } from 'preact/hooks';
import { answer, type DeliveryStatus, type EventType } from '../client/api';
import { instantOfLocal, localInputOf, STATUSES, type DeliveryFilters } from '../logic/delivery-filters';
import { usePortal } from './context';

/** The delivery list's filters: a status, an event type of the catalogue, and a window of creation times. */
export function DeliveryFilterBar({
  filters,
  onChange,
}: {
  filters: DeliveryFilters;
  onChange: (filters: DeliveryFilters) => void;
}) {
  const { api } = usePortal();
  const [eventTypes, setEventTypes] = useState<EventType[]>([]);
  useEffect(() => {
    // Without the catalogue the select offers "all" only: the list still works, unfiltered by type.
    answer(api.GET('/v1/event-types')).then(
      ({ data }) => setEventTypes(data),
      () => setEventTypes([]),
    );
  }, [api]);
  const set = (change: Partial<DeliveryFilters>) => onChange({ ...filters, ...change });
  const named = eventTypes.some((type) => type.name === filters.eventType);
  return (
    <div class="filters">
      <div class="field">
        <label for="delivery-status">Status</label>
        <select
          id="delivery-status"
          value={filters.status}
          onChange={(e) => set({ status: e.currentTarget.value as DeliveryStatus })}
        >
          <option value="">all</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="delivery-event-type">Event type</label>
        <select
          id="delivery-event-type"
          value={filters.eventType}
          onChange={(e) => set({ eventType: e.currentTarget.value })}
        >
          <option value="">all</option>
          {/* A type from the address that the catalogue no longer has is still shown, so the select tells the truth. */}
          {filters.eventType && !named && <option value={filters.eventType}>{filters.eventType}</option>}
          {eventTypes.map((type) => (
            <option key={type.name} value={type.name}>
              {type.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="delivery-since">Created from</label>
        <input
          id="delivery-since"
          type="datetime-local"
          value={localInputOf(filters.since)}
          onChange={(e) => set({ since: instantOfLocal(e.currentTarget.value) })}
        />
      </div>
      <div class="field">
        <label for="delivery-until">Created before</label>
        <input
          id="delivery-until"
          type="datetime-local"
          value={localInputOf(filters.until)}
          onChange={(e) => set({ until: instantOfLocal(e.currentTarget.value) })}
        />
      </div>
    </div>
  );
}
