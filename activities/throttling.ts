import { THROTTLING_STATUSES } from '../core/pacing';
import type { HookId } from '../core/ids';
import type { Models } from '../infra/models';
import type { AttemptResult } from '../targets/contract';

/**
 * Until when a receiver's answer asks the whole hook to wait: a 429 or 503
 * with a Retry-After (already bounded by the target's judgement, see
 * targets/sending/outcome.ts), or nothing.
 */
export function throttledUntilOf(result: AttemptResult, now: number): number | undefined {
  const { statusCode } = result.attempt;
  if (result.retryAfterMs === undefined || statusCode === undefined || statusCode === null) return undefined;
  return THROTTLING_STATUSES.has(statusCode) ? now + result.retryAfterMs : undefined;
}

/**
 * Holds the hook back until `until` (the later of this and what it holds
 * already: `$max`, so that concurrent answers need no read first): while it
 * lasts the hook is paced, and its lane waits.
 */
export async function throttleHook(models: Models, hookId: HookId, until: number): Promise<void> {
  await models.Hook.updateOne({ _id: hookId }, { $max: { throttledUntil: new Date(until) } }, { timestamps: false });
}

/** Throttles each hook whose answer asked it: one write per such hook, none on the common path. */
export async function throttleHooksAsked(
  models: Models,
  answers: readonly { hookId: HookId; result: AttemptResult }[],
  now: number,
): Promise<void> {
  const untilOf = new Map<HookId, number>();
  for (const { hookId, result } of answers) {
    const until = throttledUntilOf(result, now);
    if (until !== undefined) untilOf.set(hookId, Math.max(until, untilOf.get(hookId) ?? 0));
  }
  await Promise.all([...untilOf].map(([hookId, until]) => throttleHook(models, hookId, until)));
}
