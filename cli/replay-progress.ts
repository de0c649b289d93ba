import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { Hookflow, Replay } from './sdk.js';

/** How often a replay is read again while it runs. */
const POLL_MS = 500;

/**
 * Follows a replay (GET /v1/replays/:id) until it is no longer running, and answers it as it ended. On a
 * terminal, a progress bar on stderr shows its deliveries done of its total; in a pipe nothing is drawn, so
 * stdout and stderr stay readable by scripts.
 */
export async function waitForReplay(client: Hookflow, started: Replay): Promise<Replay> {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { stream: process.stderr, format: 'Replay {id} [{bar}] {value}/{total} deliveries | {status}' },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(started.total, started.done, { id: started.id, status: started.status });
  let replay = started;
  try {
    while (replay.status === 'running') {
      await sleep(POLL_MS);
      replay = await client.replays.get(replay.id);
      bar?.setTotal(replay.total);
      bar?.update(replay.done, { status: replay.status });
    }
  } finally {
    bar?.stop();
  }
  return replay;
}
