import { ExpectedRevision, InvalidAppendError, StreamAppend } from './event-store';

/** An append every adapter can write as it is: ids lower-cased, data and metadata already JSON text. */
export interface ValidatedAppend {
  readonly streamId: string;
  /** `-1n` is folded into 'no-stream'. */
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly ValidatedEvent[];
}

export interface ValidatedEvent {
  readonly id: string;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// jsonb refuses the NUL character; an odd run of backslashes before u0000 is an escaped NUL.
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/**
 * The same checks for every adapter, so that a malformed append fails the same way on the
 * in-memory store as on Postgres (where it would otherwise surface as a driver error).
 */
export function validateAppends(appends: readonly StreamAppend[]): ValidatedAppend[] {
  const streams = new Set<string>();
  const ids = new Set<string>();
  return appends.map(({ streamId, events, expectedRevision }) => {
    if (typeof streamId !== 'string' || streamId === '' || streamId.includes('\0')) {
      throw new InvalidAppendError(String(streamId), 'a stream id is a non-empty string without NUL');
    }
    if (streams.has(streamId)) throw new InvalidAppendError(streamId, 'a stream may appear only once per appendToStreams call');
    streams.add(streamId);
    return {
      streamId,
      expectedRevision: validateExpectedRevision(streamId, expectedRevision),
      events: events.map((event) => {
        const id = typeof event.id === 'string' ? event.id.toLowerCase() : '';
        if (!UUID.test(id)) throw new InvalidAppendError(streamId, `event id ${String(event.id)} is not a uuid`);
        if (ids.has(id)) throw new InvalidAppendError(streamId, `event id ${id} appears twice in one append`);
        ids.add(id);
        if (typeof event.type !== 'string' || event.type === '' || event.type.includes('\0')) {
          throw new InvalidAppendError(streamId, `event ${id}: the type is a non-empty string without NUL`);
        }
        const metadata = event.metadata ?? {};
        if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
          throw new InvalidAppendError(streamId, `event ${id}: metadata is a JSON object`);
        }
        return { id, type: event.type, dataJson: toJson(streamId, id, 'data', event.data), metadataJson: toJson(streamId, id, 'metadata', metadata) };
      }),
    };
  });
}

function validateExpectedRevision(streamId: string, expected: ExpectedRevision): ExpectedRevision {
  if (expected === 'any' || expected === 'no-stream' || expected === 'stream-exists') return expected;
  if (typeof expected === 'bigint' && expected >= -1n) return expected === -1n ? 'no-stream' : expected;
  throw new InvalidAppendError(streamId, `expected revision ${String(expected)} is not 'any', 'no-stream', 'stream-exists' or a bigint >= -1n`);
}

function toJson(streamId: string, id: string, field: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidAppendError(streamId, `event ${id}: ${field} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (json === undefined) throw new InvalidAppendError(streamId, `event ${id}: ${field} is not JSON`);
  if (JSON_NUL.test(json)) throw new InvalidAppendError(streamId, `event ${id}: ${field} holds a NUL character, which jsonb cannot store`);
  return json;
}
