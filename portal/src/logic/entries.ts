/** One row of a key/value editor: an HTTP header, a GA4 param. */
export interface Entry {
  key: string;
  value: string;
  /** Stored encrypted; shown by the API as `{secret: true}`, so a kept one's value is '' here. */
  secret: boolean;
}

/** The rows of an object the API showed, in its order; a masked secret comes with an empty value. */
export function entriesOf(record: unknown): Entry[] {
  if (typeof record !== 'object' || record === null) return [];
  return Object.entries(record).map(([key, value]) =>
    typeof value === 'string' ? { key, value, secret: false } : { key, value: '', secret: true },
  );
}

/**
 * The object the API takes: blank rows left out; a secret row as `{value, secret: true}`, or `{secret: true}`
 * when left blank, which keeps the stored value. A row with a value and no name goes too: the API names it.
 */
export function recordOf(entries: Entry[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const { key, value, secret } of entries) {
    if (!key.trim() && !value) continue;
    record[key.trim()] = !secret ? value : value ? { value, secret: true } : { secret: true };
  }
  return record;
}

export const sameEntries = (a: Entry[], b: Entry[]) => JSON.stringify(recordOf(a)) === JSON.stringify(recordOf(b));
