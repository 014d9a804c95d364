import { eventIdFor } from './event-id';
import type { RecordedEvent } from './event-store';
import { InMemoryEventStore } from './memory/in-memory-event-store';
import { readLogPages } from './read-log-pages';

async function pagesOf(generator: AsyncGenerator<readonly RecordedEvent[]>): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of generator) pages.push(page.map((e) => e.streamId));
  return pages;
}

describe('readLogPages', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = new InMemoryEventStore();
  });
  afterEach(() => store.close());

  const append = (n: number) =>
    store.appendToStream(`s-${n}`, [{ id: eventIdFor(`s-${n}`, 'e'), type: 'T', data: {} }], { expectedRevision: 'any' });

  it('reads nothing from an empty log', async () => {
    expect(await pagesOf(readLogPages(store))).toEqual([]);
  });

  it('reads the whole log in pages of the given size, in log order', async () => {
    for (let n = 0; n < 12; n++) await append(n);
    const pages = await pagesOf(readLogPages(store, { pageSize: 5 }));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(Array.from({ length: 12 }, (_, n) => `s-${n}`));
  });

  it('an empty page before the committed head is "not yet": it reads again until it has the head', async () => {
    for (let n = 0; n < 3; n++) await append(n);
    let hidden = 2; // the first two reads see nothing, as behind an open transaction on Postgres
    const holdingBack = {
      committedHeadPosition: () => store.committedHeadPosition(),
      readAll: (options: Parameters<InMemoryEventStore['readAll']>[0]) => (hidden-- > 0 ? Promise.resolve([]) : store.readAll(options)),
    };
    expect(await pagesOf(readLogPages(holdingBack, { retryMs: 1 }))).toEqual([['s-0', 's-1', 's-2']]);
    expect(hidden).toBe(-1);
  });
});
