import { ErrorCode } from './error-codes';
import { rejected } from './domain-error';
import { canonicalInstant, parseInstant } from './instant';

/**
 * Checks for command fields. The engine validates its HTTP bodies too, but commands also arrive
 * from Kafka and the CLI, so the domain does not trust that any of that happened. Each refusal
 * names the field (`details.field`), which the engine turns into its error detail.
 */

/** Upstream ids (customer, order, refund, interaction): what makes a redelivery harmless. */
export const UPSTREAM_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const isUpstreamId = (value: unknown): value is string => typeof value === 'string' && UPSTREAM_ID.test(value);

export const requireId = (value: unknown, field: string): string => {
  if (!isUpstreamId(value)) {
    throw rejected(ErrorCode.INVALID_ID, `${field} must be 1-100 letters, digits or . _ : -`, { field });
  }
  return value;
};

/** Returns the instant in its canonical spelling. */
export const requireInstant = (value: unknown, field: string): string => {
  const ms = parseInstant(value);
  if (ms === undefined) {
    throw rejected(ErrorCode.INVALID_TIME, `${field} must be an ISO-8601 instant such as 2024-03-01T09:15:00Z`, { field });
  }
  return canonicalInstant(ms);
};

export const requireText = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '') {
    throw rejected(ErrorCode.INVALID_FIELD, `${field} must be a non-empty string`, { field });
  }
  return value;
};

export const optionalText = (value: unknown, field: string): string | undefined =>
  value === undefined || value === null ? undefined : requireText(value, field);
