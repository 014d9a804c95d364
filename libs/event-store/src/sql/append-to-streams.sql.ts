import { validateAppends, ValidatedAppend, ValidatedEvent } from '../append-validation';
import {
  AppendResult,
  DuplicateEventIdError,
  ExpectedRevision,
  PartialDuplicateAppendError,
  StreamAppend,
  WrongExpectedRevisionError,
} from '../event-store';
import { SqlClient, sqlState, toBigInt } from './sql-client';

/**
 * One statement, one round trip, for one stream or many; it also tells a conflict from a repeat.
 * See event_store_append in the migrations.
 */
export const APPEND_SQL = `SELECT stream_id, revision::text, written::text
FROM event_store_append($1::text[], $2::int8[], $3::int4[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::boolean)`;

/** The fast path for one stream: less work inside, but it only knows success (else LE000). */
export const APPEND_TO_STREAM_SQL = `SELECT stream_id, revision::text, written::text
FROM event_store_append_to_stream($1, $2::int8, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])`;

const ENCODED_EXPECTATION = { 'no-stream': '-1', any: '-2', 'stream-exists': '-3' } as const;
const encodeExpectation = (expected: ExpectedRevision): string =>
  typeof expected === 'bigint' ? expected.toString() : ENCODED_EXPECTATION[expected];

/**
 * The statement for an append, for callers that must run it on a connection of their own (the
 * tests that hold a writer's transaction open). The store itself uses `appendToStreams`.
 */
export function appendStatement(appends: readonly StreamAppend[]): { text: string; values: unknown[] } {
  return { text: APPEND_SQL, values: appendParameters(validateAppends(appends), true) };
}

function appendParameters(appends: readonly ValidatedAppend[], findRepeats: boolean): unknown[] {
  const events = appends.flatMap((append, index) => append.events.map((event) => ({ stream: index + 1, ...event })));
  return [
    appends.map((append) => append.streamId),
    appends.map((append) => encodeExpectation(append.expectedRevision)),
    events.map((event) => event.stream),
    ...eventColumns(events),
    findRepeats,
  ];
}

function appendToStreamParameters(append: ValidatedAppend): unknown[] {
  return [append.streamId, encodeExpectation(append.expectedRevision), ...eventColumns(append.events)];
}

const eventColumns = (events: readonly ValidatedEvent[]): unknown[] => [
  events.map((event) => event.id),
  events.map((event) => event.type),
  events.map((event) => event.dataJson),
  events.map((event) => event.metadataJson),
];

// A unique violation or a deadlock means a concurrent writer touched the same stream or event id
// first; the next attempt sees its commit and answers properly (conflict, or idempotent repeat).
const RACES = new Set(['23505', '40P01']);
const RETRY_CAREFULLY = new Set([...RACES, 'LE000', 'LE001']);
const MAX_ATTEMPTS = 5;

type ResultRow = { stream_id: string; revision: unknown; written: unknown };
const toResult = (row: ResultRow): AppendResult => ({
  streamId: row.stream_id,
  nextExpectedRevision: toBigInt(row.revision),
  written: Number(row.written),
});

export async function appendToStreams(client: SqlClient, appends: readonly ValidatedAppend[]): Promise<AppendResult[]> {
  // First the optimistic attempt, which cannot tell a conflict or a duplicate id from a repeat;
  // when it fails that way, the careful one, which can.
  const [single] = appends;
  try {
    const [sql, params] =
      appends.length === 1 && single!.events.length > 0
        ? [APPEND_TO_STREAM_SQL, appendToStreamParameters(single!)]
        : [APPEND_SQL, appendParameters(appends, false)];
    return (await client.query<ResultRow>(sql, params)).map(toResult);
  } catch (error) {
    const state = sqlState(error);
    if (state === undefined || !RETRY_CAREFULLY.has(state)) throw error;
  }
  const params = appendParameters(appends, true);
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.query<ResultRow>(APPEND_SQL, params)).map(toResult);
    } catch (error) {
      const state = sqlState(error);
      if (state !== undefined && RACES.has(state) && attempt < MAX_ATTEMPTS) continue;
      throw toPortError(error, appends);
    }
  }
}

function toPortError(error: unknown, appends: readonly ValidatedAppend[]): unknown {
  const state = sqlState(error);
  if (state !== 'LE001' && state !== 'LE002' && state !== 'LE003') return error;
  const detail = JSON.parse((error as { detail: string }).detail) as { stream: number; actual?: string | null; ids?: string[] };
  const append = appends[detail.stream - 1]!;
  switch (state) {
    case 'LE001':
      return new WrongExpectedRevisionError(append.streamId, append.expectedRevision as ExpectedRevision, detail.actual == null ? 'no-stream' : BigInt(detail.actual));
    case 'LE002':
      return new PartialDuplicateAppendError(append.streamId, detail.ids ?? []);
    case 'LE003':
      return new DuplicateEventIdError(append.streamId, detail.ids ?? []);
  }
}
