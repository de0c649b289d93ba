/** One answer of a list operation: its items, and the cursor of the next page unless it is the last. */
export interface Page<Item = unknown> {
  data: Item[];
  nextCursor?: string;
}

/** The items of a page type. */
export type ItemOf<P extends Page> = P['data'][number];

/**
 * A list operation's answer: `for await (const hook of client.hooks.list())` walks every item across pages,
 * fetching each page when the previous one is used up; `firstPage()` fetches one page only (pass its
 * `nextCursor` as `cursor` for the next), `pages()` walks page by page. Nothing is fetched until asked.
 */
export class Paginated<P extends Page> implements AsyncIterable<ItemOf<P>> {
  constructor(
    private readonly startCursor: string | undefined,
    private readonly fetchPage: (cursor: string | undefined) => Promise<P>,
  ) {}

  /** The first page (from the `cursor` given, if any). */
  firstPage(): Promise<P> {
    return this.fetchPage(this.startCursor);
  }

  async *pages(): AsyncGenerator<P, void, undefined> {
    let cursor = this.startCursor;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ItemOf<P>, void, undefined> {
    for await (const page of this.pages()) yield* page.data as ItemOf<P>[];
  }

  /** Every item of every page, fetched now: for lists known to be short. */
  async toArray(): Promise<ItemOf<P>[]> {
    const items: ItemOf<P>[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
