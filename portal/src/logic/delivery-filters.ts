import type { DeliveryStatus } from '../client/api';
import { allOf } from './all-of';

export const STATUSES = allOf<DeliveryStatus>()(['pending', 'succeeded', 'retrying', 'failed', 'paused', 'cancelled']);

/**
 * A hook page's delivery filters, kept in the address's query (under the API's own names) so that a reload or a
 * shared link shows the same list; `since` and `until` are instants (ISO 8601), '' when not set.
 */
export interface DeliveryFilters {
  status: DeliveryStatus | '';
  eventType: string;
  since: string;
  until: string;
}
const KEYS = ['status', 'eventType', 'since', 'until'] as const;

export const NO_FILTERS: DeliveryFilters = { status: '', eventType: '', since: '', until: '' };

const instantOf = (text: string | null) => {
  const time = text ? Date.parse(text) : NaN;
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
};

/** The filters an address names; what is not a status or a time is left out, as if not given. */
export function filtersOf(search: string): DeliveryFilters {
  const query = new URLSearchParams(search);
  const status = query.get('status') ?? '';
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as DeliveryStatus) : '',
    eventType: query.get('eventType') ?? '',
    since: instantOf(query.get('since')),
    until: instantOf(query.get('until')),
  };
}

/** The address's query with these filters in place of any it had; the rest (a producer's theme) stays. */
export function searchWith(search: string, filters: DeliveryFilters): string {
  const query = new URLSearchParams(search);
  for (const key of KEYS) {
    if (filters[key]) query.set(key, filters[key]);
    else query.delete(key);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The address's query without filters: for another page, where they mean nothing. */
export const searchWithout = (search: string) => searchWith(search, NO_FILTERS);

/** GET /v1/deliveries's query for them. */
export function listQuery(filters: DeliveryFilters): {
  status?: DeliveryStatus;
  eventType?: string;
  since?: string;
  until?: string;
} {
  return Object.fromEntries(KEYS.filter((key) => filters[key]).map((key) => [key, filters[key]]));
}

export const anyFilter = (filters: DeliveryFilters) => KEYS.some((key) => filters[key]);

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local input shows it: the browser's local time, to the minute. */
export function localInputOf(instant: string): string {
  if (!instant) return '';
  const at = new Date(instant);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** What a datetime-local input holds (local time), as an instant; '' for an empty or partial one. */
export const instantOfLocal = (local: string) => (local ? instantOf(local) : '');
