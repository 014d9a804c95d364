import { randomUUID } from 'node:crypto';
import { comparePositions, START } from '../event-store';
import { EVENTS_TABLE } from '../sql/event-store-tables';
import { readAll, readWindow } from '../sql/read-all.sql';
import { readStream } from '../sql/read-stream.sql';
import { SqlClient } from '../sql/sql-client';
import { EmbeddedDatabase } from './embedded-database';
import { createEmbeddedEventStore } from './embedded-event-store';
import { pgliteSqlClient } from './pglite-sql-client';

// The page-as-JSON read must hand back what PGlite's own row decoding gives, value for value.
describe('PGlite reads as one JSON page', () => {
  let db: EmbeddedDatabase;
  let pages: SqlClient;
  let rows: SqlClient;
  beforeAll(async () => {
    db = await EmbeddedDatabase.open();
    const store = await createEmbeddedEventStore(db);
    pages = pgliteSqlClient(db);
    rows = { ...pages, pagesAsJson: false };
    const awkward = [
      { text: 'é ü 漢字 😀 "quoted" \\ back\nslash\ttab \u0001 \u2028', empty: '' },
      { n: [0, -1, 0.1, 1e21, 1.5e-7, 123456789012345678901234567890, -0], nested: { a: [null, true, false, {}] } },
      null,
      'just a string',
      42,
      [],
      JSON.parse('{"__proto__": "own key", "constructor": 1}') as unknown,
    ];
    await store.appendToStreams([
      { streamId: 'a', expectedRevision: 'no-stream', events: awkward.map((data) => ({ id: randomUUID(), type: 'Awkward', data, metadata: { by: 'spec', ü: '😀' } })) },
      { streamId: 'stream with spaces/ünï', expectedRevision: 'no-stream', events: [{ id: randomUUID(), type: 'T', data: {} }] },
    ]);
    await store.appendToStream('a', [{ id: randomUUID(), type: 'Later', data: { later: true } }], { expectedRevision: 'any' });
    await store.close();
    // Past 2^53 a number would lose digits; microseconds are below what a Date holds.
    await db.query(`UPDATE ${EVENTS_TABLE} SET global_position = global_position + 9007199254740993,
      stream_revision = stream_revision + 9007199254740993,
      recorded_at = recorded_at + (global_position * interval '1 microsecond') + interval '0.000999 second'`);
  });
  afterAll(() => db.close());

  it('readAll gives the same events, pages and all', async () => {
    const all = await readAll(rows, { after: START, maxCount: 100 });
    expect(all).toHaveLength(9);
    expect(all[0]!.position.pos).toBe(9007199254740994n);
    await expect(readAll(pages, { after: START, maxCount: 100 })).resolves.toStrictEqual(all);
    await expect(readAll(pages, { after: all[2]!.position, maxCount: 4 })).resolves.toStrictEqual(all.slice(3, 7));
    await expect(readAll(pages, { after: all[8]!.position, maxCount: 4 })).resolves.toStrictEqual([]);
  });

  it('readWindow gives the same window, kept events and reach alike', async () => {
    const all = await readAll(rows, { after: START, maxCount: 100 });
    for (const [after, maxCount, eventTypes] of [[START, 100, ['Awkward']], [all[1]!.position, 3, ['Later', 'T']], [all[5]!.position, 2, ['Later']], [all[8]!.position, 5, ['T']]] as const) {
      const window = await readWindow(rows, { after, maxCount, eventTypes });
      const covered = all.filter((e) => comparePositions(e.position, after) > 0).slice(0, maxCount);
      expect(window).toStrictEqual({ events: covered.filter((e) => eventTypes.includes(e.type as never)), scanned: covered.length, through: covered.at(-1)?.position ?? after });
      await expect(readWindow(pages, { after, maxCount, eventTypes })).resolves.toStrictEqual(window);
    }
  });

  it('readStream gives the same events', async () => {
    const stream = await readStream(rows, 'a', 0n);
    expect(stream).toHaveLength(8);
    await expect(readStream(pages, 'a', 0n)).resolves.toStrictEqual(stream);
    await expect(readStream(pages, 'a', 9007199254740995n, 2)).resolves.toStrictEqual(stream.slice(2, 4));
    await expect(readStream(pages, 'stream with spaces/ünï')).resolves.toStrictEqual(await readStream(rows, 'stream with spaces/ünï'));
    await expect(readStream(pages, 'nothing here')).resolves.toStrictEqual([]);
  });
});
