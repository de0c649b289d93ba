import type { Models } from '../infra/models';

/**
 * Deliveries waiting for a retry, in the whole store: a count on the
 * {status, createdAt, _id} index, which MongoDB answers from the index alone
 * (no document is read), at a cost that grows with the backlog; the worker's
 * metrics reuse it for a few seconds (RETRIES_WAITING_CACHE_MS). Temporal's
 * count of open retry workflows would miss the retries that hooks' lanes send.
 */
export function countRetriesWaiting(models: Models): Promise<number> {
  return models.Delivery.countDocuments({ status: 'retrying' });
}
