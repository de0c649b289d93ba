import { Agent, request } from 'undici';
import { mapWithConcurrency } from '../core/concurrency';

/**
 * The physical limit of this machine for this work: a plain undici client
 * POSTing the same body to the same receiver URLs, as many at once as the
 * worker sends (its per-activity concurrency), with nothing recorded.
 */
export async function postDirectly(urls: readonly string[], body: string, concurrency: number) {
  const agent = new Agent({ connections: 256 });
  const started = performance.now();
  try {
    await mapWithConcurrency(urls, concurrency, async (url) => {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-bench-id': url },
        body,
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`the receiver answered ${response.statusCode}`);
    });
  } finally {
    await agent.close();
  }
  const elapsedMs = performance.now() - started;
  return { elapsedMs, deliveriesPerSecond: (urls.length / elapsedMs) * 1000 };
}
