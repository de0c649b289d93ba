import { Option } from '@commander-js/extra-typings';
import { positiveInteger } from './arguments.js';

/** Every list command shows the newest `--limit` items, or with `--all` every one, page after page. */
export const limitOption = () =>
  new Option('--limit <n>', 'how many to show, newest first').argParser(positiveInteger).default(20);
export const allOption = () => new Option('--all', 'show every one, fetching page after page');

/** The API's page size for a list that stops at `limit`: no larger than needed, at most the API's 500. */
export function pageSize(limit: number, all: boolean | undefined): number {
  return all ? 500 : Math.min(limit, 500);
}

/** The first `limit` items of a paginated list (all of them with `all`); pages are fetched only as needed. */
export async function take<T>(items: AsyncIterable<T>, limit: number, all: boolean | undefined): Promise<T[]> {
  const taken: T[] = [];
  for await (const item of items) {
    taken.push(item);
    if (!all && taken.length >= limit) break;
  }
  return taken;
}
