import { useCallback, useEffect, useState } from 'preact/hooks';
import { answer, type DeliverySummary } from '../client/api';
import { anyFilter, filtersOf, listQuery, searchWith, type DeliveryFilters } from '../logic/delivery-filters';
import { when } from '../logic/format';
import { Attempts } from './attempts';
import { usePortal } from './context';
import { ErrorNote } from './error-note';
import { DeliveryFilterBar } from './delivery-filter-bar';

const PAGE_SIZE = 20;
/** The first page is read again this often, so that new deliveries and their outcomes show up by themselves. */
const REFRESH_MS = 3000;

function DeliveryItem({ delivery, onReplayed }: { delivery: DeliverySummary; onReplayed: (error?: unknown) => void }) {
  const { api } = usePortal();
  const [open, setOpen] = useState(false);
  const replay = () =>
    answer(api.POST('/v1/deliveries/{id}/replay', { params: { path: { id: delivery.id } }, body: {} })).then(
      () => onReplayed(),
      onReplayed,
    );
  return (
    <li class="delivery" data-delivery-id={delivery.id} data-status={delivery.status}>
      <details onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>
          <span class={`status status-${delivery.status}`}>{delivery.status}</span> <code>{delivery.eventId}</code>{' '}
          {delivery.eventType && <code class="event-type">{delivery.eventType}</code>} {when(delivery.createdAt)},{' '}
          {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
          {delivery.replayOf ? ' (replay)' : ''}
        </summary>
        {open && <Attempts deliveryId={delivery.id} />}
      </details>
      <button type="button" onClick={() => void replay()}>
        Replay
      </button>
    </li>
  );
}

/**
 * A hook's deliveries, newest first: filtered by status, event type and time (the filters kept in the address),
 * a page at a time, each opening to its attempts.
 */
export function Deliveries({ hookId }: { hookId: string }) {
  const { api } = usePortal();
  const [filters, setFilters] = useState<DeliveryFilters>(() => filtersOf(location.search));
  const filter = (next: DeliveryFilters) => {
    history.replaceState(history.state, '', location.pathname + searchWith(location.search, next));
    setFilters(next);
  };
  const [pages, setPages] = useState<{ items: DeliverySummary[]; nextCursor?: string }>();
  const [failure, setFailure] = useState<unknown>();
  const [note, setNote] = useState<string>();

  const read = useCallback(
    (cursor?: string) =>
      answer(
        api.GET('/v1/deliveries', {
          params: { query: { hookId, limit: PAGE_SIZE, ...listQuery(filters), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [api, hookId, filters],
  );
  const readFirst = useCallback(
    () =>
      read().then(({ data, nextCursor }) => {
        setFailure(undefined);
        // Pages read further down stay; the first is replaced.
        setPages((shown) =>
          shown && shown.items.length > PAGE_SIZE ? shown : { items: data, ...(nextCursor ? { nextCursor } : {}) },
        );
      }, setFailure),
    [read],
  );
  useEffect(() => {
    setPages(undefined);
    void readFirst();
    const timer = setInterval(() => void readFirst(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [readFirst]);
  const more = (cursor: string) =>
    read(cursor).then(({ data, nextCursor }) => {
      setPages((shown) => ({ items: [...(shown?.items ?? []), ...data], ...(nextCursor ? { nextCursor } : {}) }));
    }, setFailure);

  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries</h2>
      <DeliveryFilterBar filters={filters} onChange={filter} />
      <ErrorNote error={failure} />
      <p role="status">{note}</p>
      {pages === undefined ? (
        <p>Loading...</p>
      ) : pages.items.length === 0 ? (
        <p>{anyFilter(filters) ? 'No deliveries match these filters.' : 'No deliveries yet.'}</p>
      ) : (
        <ul class="deliveries" aria-label="Deliveries">
          {pages.items.map((delivery) => (
            <DeliveryItem
              key={delivery.id}
              delivery={delivery}
              onReplayed={(error) => {
                if (error) setFailure(error);
                else setNote('Replay started: its delivery shows up here.');
                void readFirst();
              }}
            />
          ))}
        </ul>
      )}
      {pages?.nextCursor && (
        <button type="button" class="quiet" onClick={() => void more(pages.nextCursor as string)}>
          Older deliveries
        </button>
      )}
    </section>
  );
}
