import type { HookId } from '../core/ids';
import { ERROR_CHARS, LAST_ERRORS, type LastError } from '../core/operational-events';
import { shorten } from '../core/shorten';
import type { Models } from '../infra/models';
import type { Attempt } from '../infra/models/delivery';
import { describeAttempt } from './retry-plan';

/** The last attempt of each of the hook's most recently updated deliveries that made one, newest first. */
export async function latestAttempts(models: Models, hookId: HookId, count = LAST_ERRORS): Promise<Attempt[]> {
  const recent = await models.Delivery.find({ hookId, 'attempts.0': { $exists: true } })
    .sort({ updatedAt: -1 })
    .limit(count)
    .lean();
  return recent.map((delivery) => delivery.attempts.at(-1)).filter((attempt) => attempt !== undefined);
}

function failed(attempt: Pick<Attempt, 'statusCode'>): boolean {
  return !(typeof attempt.statusCode === 'number' && attempt.statusCode >= 200 && attempt.statusCode < 300);
}

/** Failed attempts as operational events quote them: bounded in number and length, newest first. */
export function lastErrorsOf(attempts: readonly Attempt[]): LastError[] {
  return [...attempts]
    .filter(failed)
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .slice(0, LAST_ERRORS)
    .map((attempt) => ({
      at: attempt.startedAt.toISOString(),
      error: shorten(describeAttempt(attempt), ERROR_CHARS),
    }));
}
