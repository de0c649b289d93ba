import Table from 'cli-table3';

/** A table column: its header and how to read its cell from an item. */
export type Column<T> = readonly [header: string, cell: (item: T) => unknown];

/** How a cell reads: nothing for absent values, lists comma-separated, objects as compact JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// No colours: what a table prints is the same on a terminal, in a pipe and in a test.
const PLAIN = { style: { head: [], border: [] } };

export function table<T>(items: readonly T[], columns: readonly Column<T>[]): string {
  const view = new Table({ ...PLAIN, head: columns.map(([header]) => header) });
  for (const item of items) view.push(columns.map(([, cell]) => cellText(cell(item))));
  return view.toString();
}

/** No rule between rows: a record's fields read as one block. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** One item as a two-column table, a row per field. */
export function record<T>(item: T, fields: readonly Column<T>[]): string {
  const view = new Table({ ...PLAIN, chars: COMPACT });
  for (const [name, cell] of fields) view.push({ [name]: cellText(cell(item)) });
  return view.toString();
}

/** `--json` prints what the API answered, as it answered it, for scripts to read. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
