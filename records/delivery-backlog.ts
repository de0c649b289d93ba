import type { Models } from '../infra/models';

/**
 * The most retries waiting a count reads: past it the gauge says this
 * many, and the backlog is an alert already. It bounds the count's cost.
 */
export const RETRIES_WAITING_COUNT_LIMIT = 100_000;

/**
 * Deliveries waiting for a retry, in the whole store, up to
 * RETRIES_WAITING_COUNT_LIMIT: a count on the {status, createdAt, _id}
 * index, which MongoDB answers from the index alone, key by key. FerretDB
 * finds them by its GIN index on `status` but reads each one: 17 ms for 200
 * of 20,000 deliveries retrying, 200 ms for 2,000 (5 counts each, on the
 * test stack's FerretDB on PostgreSQL). The worker's metrics reuse a count
 * for a few seconds (RETRIES_WAITING_CACHE_MS). Temporal's count of open
 * retry workflows would miss the retries that hooks' lanes send.
 */
export function countRetriesWaiting(models: Models): Promise<number> {
  return models.Delivery.countDocuments({ status: 'retrying' }, { limit: RETRIES_WAITING_COUNT_LIMIT });
}
