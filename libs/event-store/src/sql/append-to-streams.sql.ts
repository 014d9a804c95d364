import { validateAppends, ValidatedAppend } from '../append-validation';
import {
  AppendResult,
  DuplicateEventIdError,
  ExpectedRevision,
  PartialDuplicateAppendError,
  StreamAppend,
  WrongExpectedRevisionError,
} from '../event-store';
import { SqlClient, sqlState, toBigInt } from './sql-client';

/** One statement, one round trip, for one stream or many: see event_store_append in the migrations. */
export const APPEND_SQL = `SELECT stream_id, revision, written
FROM event_store_append($1::text[], $2::int8[], $3::int4[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[])`;

const ENCODED_EXPECTATION = { 'no-stream': '-1', any: '-2', 'stream-exists': '-3' } as const;

/**
 * The statement for an append, for callers that must run it on a connection of their own (the
 * tests that hold a writer's transaction open). The store itself uses `appendToStreams`.
 */
export function appendStatement(appends: readonly StreamAppend[]): { text: string; values: unknown[] } {
  return { text: APPEND_SQL, values: appendParameters(validateAppends(appends)) };
}

function appendParameters(appends: readonly ValidatedAppend[]): unknown[] {
  const eventStreams: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  appends.forEach((append, index) => {
    for (const event of append.events) {
      eventStreams.push(index + 1);
      ids.push(event.id);
      types.push(event.type);
      data.push(event.dataJson);
      metadata.push(event.metadataJson);
    }
  });
  return [
    appends.map((append) => append.streamId),
    appends.map(({ expectedRevision: expected }) => (typeof expected === 'bigint' ? expected.toString() : ENCODED_EXPECTATION[expected])),
    eventStreams,
    ids,
    types,
    data,
    metadata,
  ];
}

// A unique violation or a deadlock means a concurrent writer touched the same stream or event id
// first; the next attempt sees its commit and answers properly (conflict, or idempotent repeat).
const RACE_STATES = new Set(['23505', '40P01']);
const MAX_ATTEMPTS = 5;

export async function appendToStreams(client: SqlClient, appends: readonly ValidatedAppend[]): Promise<AppendResult[]> {
  const params = appendParameters(appends);
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await client.query<{ stream_id: string; revision: unknown; written: unknown }>(APPEND_SQL, params);
      return rows.map((row) => ({ streamId: row.stream_id, nextExpectedRevision: toBigInt(row.revision), written: Number(row.written) }));
    } catch (error) {
      const state = sqlState(error);
      if (state !== undefined && RACE_STATES.has(state) && attempt < MAX_ATTEMPTS) continue;
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
