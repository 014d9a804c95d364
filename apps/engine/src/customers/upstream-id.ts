import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export const UPSTREAM_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** An id chosen upstream (customer, order, refund, interaction): it is what makes a retry harmless. */
export const UpstreamId = (description: string, example: string) =>
  applyDecorators(
    ApiProperty({ description, example, pattern: UPSTREAM_ID_PATTERN.source }),
    IsString(),
    Length(1, 100),
    Matches(UPSTREAM_ID_PATTERN, { message: '$property may contain only letters, digits and . _ : -' }),
  );

/** An instant from the source system (event time, not the engine's clock). */
export const EventTime = (description: string) =>
  applyDecorators(
    ApiProperty({ description, example: '2024-03-01T10:15:00Z', format: 'date-time' }),
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO-8601 date-time' }),
  );

/** An optional instant from the source; when absent the engine's clock says when (redemptions, adjustments). */
export const OptionalEventTime = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, example: '2024-03-01T10:15:00Z', format: 'date-time' }),
    IsOptional(),
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO-8601 date-time' }),
  );

/** `?asOf=`: the instant a view or an ops run is taken at; the engine's clock when absent. */
export class AsOfQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 instant; default: now', example: '2025-02-01T00:00:00Z', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO-8601 date-time' })
  asOf?: string;
}
