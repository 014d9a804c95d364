import type { AppendExpectedRevision, Direction, ReadPosition } from '@eventstore/db-client';

// The client's constants and error tests, without loading the client (see eventstoredb-event-store.ts).
// The values are the client's own (`@eventstore/db-client` constants); eventstoredb-constants.spec.ts
// compares them with the real ones.
export const NO_STREAM = 'no_stream' satisfies AppendExpectedRevision;
export const ESDB_START = 'start' satisfies ReadPosition;
export const END = 'end' satisfies ReadPosition;
export const FORWARDS = 'forwards' satisfies Direction;
export const BACKWARDS = 'backwards' satisfies Direction;

const typeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined);

/** The client's StreamNotFoundError (its `type` is ErrorType.STREAM_NOT_FOUND). */
export const isStreamNotFound = (error: unknown): boolean => typeOf(error) === 'stream-not-found';

/** The client's WrongExpectedVersionError (its `type` is ErrorType.WRONG_EXPECTED_VERSION). */
export const isWrongExpectedVersion = (error: unknown): boolean => typeOf(error) === 'wrong-expected-version';
