/**
 * The one error body every endpoint answers with (documented in the README and in OpenAPI):
 *   { statusCode, error, code, message, details: [{ field?, reason }] }
 * `code` is stable; clients switch on it, never on `message`.
 */
export interface ErrorDetail {
  readonly field?: string;
  readonly reason: string;
}

export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: string;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

/** An error raised by the HTTP layer itself (auth, request shape); the domain raises DomainError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static validation(details: readonly ErrorDetail[]): ApiError {
    const fields = [...new Set(details.map((d) => d.field).filter(Boolean))].join(', ');
    return new ApiError(400, 'REQUEST.VALIDATION_FAILED', `the request is invalid: ${fields || 'body'}`, details);
  }
  static unauthorized(code: string, message: string): ApiError {
    return new ApiError(401, code, message);
  }
  static forbidden(code: string, message: string): ApiError {
    return new ApiError(403, code, message);
  }
  static notFound(code: string, message: string): ApiError {
    return new ApiError(404, code, message);
  }
}

/** The append kept conflicting with concurrent writers after every retry. */
export class RetriesExhaustedError extends Error {
  readonly code = 'CONCURRENCY.RETRIES_EXHAUSTED';
  constructor(readonly streamId: string, readonly attempts: number) {
    super(`stream ${streamId} kept changing under ${attempts} attempts; try again`);
    this.name = 'RetriesExhaustedError';
  }
}
