import { useEffect, useState } from 'preact/hooks';
import { answer, type HookEvent } from '../client/api';
import { usePortal } from '../components/context';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';
import { when } from '../logic/format';

type EventDeliveries = Awaited<ReturnType<typeof readEvent>>['deliveries'];

function readEvent(api: ReturnType<typeof usePortal>['api'], id: string) {
  return answer(api.GET('/v1/events/{id}', { params: { path: { id } } }));
}

function EventItem({ event }: { event: HookEvent }) {
  const { api } = usePortal();
  const [deliveries, setDeliveries] = useState<EventDeliveries>();
  const [failure, setFailure] = useState<unknown>();
  return (
    <li class="card">
      <details
        onToggle={(e) => {
          if (e.currentTarget.open && !deliveries)
            readEvent(api, event.id).then((read) => setDeliveries(read.deliveries), setFailure);
        }}
      >
        <summary>
          <code>{event.type}</code> <code>{event.id}</code> {when(event.createdAt)}
        </summary>
        <ErrorNote error={failure} />
        {deliveries &&
          (deliveries.length === 0 ? (
            <p>No hook took this event.</p>
          ) : (
            <ul aria-label="Deliveries">
              {deliveries.map((delivery) => (
                <li key={delivery.id}>
                  <span class={`status status-${delivery.status}`}>{delivery.status}</span> to{' '}
                  <Link to={{ page: 'hook', hookId: delivery.hookId }}>{delivery.hookId}</Link>
                </li>
              ))}
            </ul>
          ))}
      </details>
    </li>
  );
}

/** The owner's events, newest first, each opening to its deliveries. */
export function EventsPage() {
  const { api } = usePortal();
  const [events, setEvents] = useState<{ items: HookEvent[]; nextCursor?: string }>();
  const [failure, setFailure] = useState<unknown>();
  const read = (cursor?: string) =>
    answer(api.GET('/v1/events', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })).then(
      ({ data, nextCursor }) =>
        setEvents((shown) => ({
          items: [...(cursor ? (shown?.items ?? []) : []), ...data],
          ...(nextCursor ? { nextCursor } : {}),
        })),
      setFailure,
    );
  useEffect(() => void read(), [api]);
  return (
    <>
      <h1>Events</h1>
      <ErrorNote error={failure} />
      {events === undefined ? (
        !failure && <p>Loading...</p>
      ) : events.items.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <ul class="cards" aria-label="Events">
          {events.items.map((event) => (
            <EventItem key={event.id} event={event} />
          ))}
        </ul>
      )}
      {events?.nextCursor && (
        <button type="button" class="quiet" onClick={() => void read(events.nextCursor)}>
          Older events
        </button>
      )}
    </>
  );
}
