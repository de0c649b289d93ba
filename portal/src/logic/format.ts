/** How the pages write figures. */

/** 0.9876 → `98.8%`; no attempts → `no attempts`. */
export function percent(rate: number | null): string {
  if (rate === null) return 'no attempts';
  return `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}

/** An ISO time as the reader's local date and time, to the second. */
export function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The first `limit` characters, with an ellipsis when there were more. */
export function firstChars(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
