/**
 * Hooks subscribe with exact names (`resource.created`), prefix patterns
 * (`resource.*`, `dataset-*` is not one: only a dot-separated prefix counts)
 * or `*`. Rather than matching every hook's patterns against an event, we list
 * the few subscription keys that would match the event's type and let the
 * database find the hooks holding any of them.
 */
export const WILDCARD = '*';

export function isPattern(subscription: string): boolean {
  return subscription === WILDCARD || subscription.endsWith('.*');
}

/** `a.b.c` → `*`, `a.*`, `a.b.*`, `a.b.c`. */
export function subscriptionKeysFor(eventType: string): string[] {
  const parts = eventType.split('.');
  const prefixes = parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`);
  return [WILDCARD, ...prefixes, eventType];
}
