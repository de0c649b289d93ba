import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliverySummary, Hookflow } from './sdk.js';

type DeliveryQuery = NonNullable<Parameters<Hookflow['deliveries']['list']>[0]>;

/** How many of the newest deliveries each poll reads before it looks further back. */
const POLL_PAGE = 100;

/**
 * Streams deliveries as they appear, until `signal` aborts: the newest `backlog` first, then every `intervalMs`
 * the ones not seen yet, oldest first. Each poll reads the newest page whole rather than stopping at the first
 * delivery seen: one written a moment before another can become visible a moment after it. A page with nothing
 * seen in it means more arrived than a page holds, so the poll reads on.
 */
export async function followDeliveries(
  client: Hookflow,
  query: DeliveryQuery,
  options: { backlog: number; intervalMs: number; signal: AbortSignal },
  onDelivery: (delivery: DeliverySummary) => void,
): Promise<void> {
  const seen = new Set<string>();
  let first = true;
  try {
    while (!options.signal.aborted) {
      const fresh: DeliverySummary[] = [];
      const list = client.deliveries.list({ ...query, limit: POLL_PAGE }, { signal: options.signal });
      for await (const page of list.pages()) {
        const unseen = page.data.filter((delivery) => !seen.has(delivery.id));
        fresh.push(...unseen);
        if (first || unseen.length < page.data.length) break;
      }
      const shown = first ? fresh.slice(0, options.backlog) : fresh;
      for (const delivery of [...shown].reverse()) onDelivery(delivery);
      for (const delivery of fresh) seen.add(delivery.id);
      first = false;
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    }
  } catch (error) {
    // Stopping (Ctrl-C) aborts the poll or the wait in the middle: that is the end asked for, not a failure.
    if (!options.signal.aborted) throw error;
  }
}
