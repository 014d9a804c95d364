import type { ValueTransformer } from 'typeorm';

/**
 * Column transformers for read models, so that rows in memory hold what the domain holds: instants as
 * canonical ISO-8601 strings (the form events carry; they compare as strings), money and counters
 * that may pass 2^53 as bigint. The database keeps proper types (timestamptz, int8).
 */
export const instantColumn: ValueTransformer = {
  to: (value: string | null | undefined) => value ?? null,
  from: (value: Date | string | null) => (value === null ? null : new Date(value).toISOString()),
};

export const bigintColumn: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? null : value.toString()),
  from: (value: string | number | null) => (value === null ? null : BigInt(value)),
};
