import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { DomainError } from '@lifecycle/domain';
import { PersonalDataErasedError } from '@lifecycle/privacy';
import { ApiError, type ErrorBody, type ErrorDetail, RetriesExhaustedError } from './api-error';

const DOMAIN_STATUS = { conflict: 409, rejected: 422, 'not-found': 404 } as const;

/** The one place where errors become HTTP statuses. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    host.switchToHttp().getResponse<Response>().status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof ApiError) return body(exception.status, exception.code, exception.message, exception.details);
    if (exception instanceof DomainError) {
      const details: ErrorDetail[] = typeof exception.details.field === 'string'
        ? [{ field: exception.details.field, reason: exception.message }]
        : [];
      return body(DOMAIN_STATUS[exception.kind], exception.code, exception.message, details);
    }
    if (exception instanceof PersonalDataErasedError) return body(422, exception.code, exception.message);
    if (exception instanceof RetriesExhaustedError) return body(409, exception.code, exception.message);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Our own 400s are ApiErrors; Nest turns body-parser failures into plain 400s.
      if (status === 400 && /JSON|Unexpected|position/i.test(exception.message)) {
        return body(400, 'REQUEST.MALFORMED_JSON', 'the body is not valid JSON', [{ reason: exception.message }]);
      }
      return body(status, `HTTP.${(STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/\W+/g, '_')}`, exception.message);
    }
    return body(500, 'INTERNAL', 'internal error');
  }
}

const body = (statusCode: number, code: string, message: string, details: readonly ErrorDetail[] = []): ErrorBody => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  code,
  message,
  details,
});
