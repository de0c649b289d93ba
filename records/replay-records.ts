import type { ReplayId } from '../core/ids';
import type { Models } from '../infra/models';
import type { Replay } from '../infra/models/replay';
import { countReplayItems, type ReplayScope } from './replay-items';

/** A replay as stored. */
export type StoredReplay = Replay & { _id: string; createdAt: Date; updatedAt: Date };
/** What a replay sets out to deliver again, before it is stored. */
export type NewReplay = Omit<ReplayScope, '_id'> & { ratePerSecond?: number };

/**
 * Stores the replay with the total it sets out to make, once: a second call
 * with the same id finds the first. The rate is held to the configured most.
 */
export async function recordReplay(
  deps: { models: Models; replayRate: number },
  id: ReplayId,
  replay: NewReplay,
): Promise<{ stored: StoredReplay; created: boolean }> {
  const existing = await deps.models.Replay.findById(id).lean();
  if (existing) return { stored: existing, created: false };
  const rate = Math.min(replay.ratePerSecond ?? deps.replayRate, deps.replayRate);
  const draft = { ...replay, _id: id, status: 'running' as const, ratePerSecond: rate, total: 0 };
  draft.total = await countReplayItems(deps.models, draft);
  try {
    return { stored: (await deps.models.Replay.create(draft)).toObject(), created: true };
  } catch (error) {
    // Of two requests racing with one Idempotency-Key, the unique id lets one insert; the other finds it.
    if ((error as { code?: number }).code !== 11000) throw error;
    const first = await deps.models.Replay.findById(id).lean();
    if (!first) throw error;
    return { stored: first, created: false };
  }
}
