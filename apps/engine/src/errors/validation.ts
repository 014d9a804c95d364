import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError, type ErrorDetail } from './api-error';

/** Flattens class-validator's tree into one detail per field and reason ("items.0.amount"). */
export function validationDetails(errors: readonly ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = prefix + error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...validationDetails(error.children ?? [], `${field}.`)];
  });
}

/** Whitelisting: unknown fields are refused, not silently dropped, and every bad field is named. */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => ApiError.validation(validationDetails(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A JSON array or scalar body would otherwise reach class-validator as something it cannot name.
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw ApiError.validation([{ reason: 'the body must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}
