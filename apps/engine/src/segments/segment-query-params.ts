import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { InvalidAsOfError, parseAsOf } from '@lifecycle/projections';
import { ApiError } from '../errors/api-error';

export class SegmentAsOfQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 date (midnight UTC) or instant; default: the start of today (UTC)', example: '2011-12-01' })
  @IsOptional()
  @IsString()
  asOf?: string;
}

export class SegmentMigrationQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 date (midnight UTC) or instant', example: '2011-06-01' })
  @IsString()
  from!: string;

  @ApiPropertyOptional({ description: 'ISO-8601 date (midnight UTC) or instant', example: '2011-12-01' })
  @IsString()
  to!: string;
}

/** An as-of parameter as the canonical instant, or a 400 naming the parameter. */
export function asOfParameter(value: string | undefined, field: string, fallback?: () => Date): string {
  try {
    return parseAsOf(value ?? fallback?.().toISOString(), field);
  } catch (error) {
    if (error instanceof InvalidAsOfError) throw ApiError.validation([{ field, reason: error.message }]);
    throw error;
  }
}

/**
 * The default as-of: the start of the current UTC day, the instant of the daily snapshot. Every
 * instant asked for is stored as a snapshot of the whole population, so "now" to the millisecond
 * would store one per request.
 */
export const startOfUtcDay = (now: Date): Date => new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
