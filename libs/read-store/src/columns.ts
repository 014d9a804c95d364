import type { ValueTransformer } from 'typeorm';

/**
 * Column transformers for read models, so that rows in memory hold what the domain holds: instants as
 * canonical ISO-8601 strings (the form events carry; they compare as strings), money and counters
 * that may pass 2^53 as bigint. The database keeps proper types (timestamptz, int8).
 */
export const instantColumn: ValueTransformer = {
  to: (value: string | null | undefined) => value ?? null,
  from: (value: Date | string | null) => (value === null ? null : typeof value === 'string' && CANONICAL_INSTANT.test(value) ? value : new Date(value).toISOString()),
};

/**
 * An instant already spelled as `toISOString` spells it (what events carry). Postgres refuses the
 * days a month does not have, so a value that passes this and is stored is a real instant.
 */
const CANONICAL_INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export const bigintColumn: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? null : value.toString()),
  from: (value: string | number | null) => (value === null ? null : BigInt(value)),
};
