import { type PipeTransform } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { UPSTREAM_ID_PATTERN } from './upstream-id';

export class CustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UPSTREAM_ID_PATTERN.test(value)) {
      throw ApiError.validation([{ field: 'id', reason: 'id must be 1-100 letters, digits or . _ : -' }]);
    }
    return value;
  }
}
