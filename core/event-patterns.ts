/**
 * Hooks subscribe with exact names (`resource.created`), prefix patterns or
 * `*`. A prefix pattern is a prefix ending in `.` or `-`, then `*`:
 * `resource.*` takes every type that starts with `resource.`, `dataset-*`
 * every one that starts with `dataset-` (the data portal's `dataset-created`,
 * `dataset-error`...). Rather than matching every hook's patterns against an
 * event, we list the few subscription keys that would match the event's type
 * and let the database find the hooks holding any of them.
 */
import { isOperational } from './operational-events';

export const WILDCARD = '*';

/** Where a prefix pattern may end, just before its `*`. */
const SEPARATORS = new Set(['.', '-']);

export function isPattern(subscription: string): boolean {
  return subscription === WILDCARD || (subscription.endsWith('*') && SEPARATORS.has(subscription.at(-2) ?? ''));
}

/**
 * `a.b-c` → `*`, `a.*`, `a.b-*`, `a.b-c`: the type's prefixes up to each separator, then the type. Hookflow's own
 * events (`hookflow.*`) are not under `*`: a hook takes them only by naming them or their prefix, so that no
 * existing subscriber starts receiving them unasked.
 */
export function subscriptionKeysFor(eventType: string): string[] {
  const prefixes = [...eventType.slice(0, -1)].flatMap((char, i) =>
    SEPARATORS.has(char) ? [`${eventType.slice(0, i + 1)}*`] : [],
  );
  return [...(isOperational(eventType) ? [] : [WILDCARD]), ...prefixes, eventType];
}
