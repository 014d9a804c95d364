/**
 * A refusal by the domain. `code` is stable (clients switch on it); `kind` says what sort of
 * refusal it is, and the engine maps each kind to one HTTP status in one place.
 *  - 'conflict': the same upstream id with different facts (409)
 *  - 'rejected': a valid request the rules refuse (422)
 *  - 'not-found': the thing addressed does not exist (404)
 */
export type DomainErrorKind = 'conflict' | 'rejected' | 'not-found';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, 'conflict', message, details);
export const rejected = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, 'rejected', message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, 'not-found', message, details);
