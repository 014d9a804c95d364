import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import { ADJUSTMENT_REASONS, type AdjustmentReason } from '@lifecycle/domain';
import { OptionalEventTime, UpstreamId } from '../upstream-id';

export class AdjustPointsDto {
  @UpstreamId('Adjustment id from the service tool; a repeat is recognised', 'adj-12') adjustmentId!: string;
  @ApiProperty({ example: 150, description: 'Non-zero: a credit opens a lot of its own; a debit takes the oldest lots and may not exceed the balance' })
  @IsInt() @NotEquals(0, { message: '$property must not be 0' }) @Min(-Number.MAX_SAFE_INTEGER) @Max(Number.MAX_SAFE_INTEGER) points!: number;
  @ApiProperty({ enum: ADJUSTMENT_REASONS, example: 'complaint' }) @IsIn(ADJUSTMENT_REASONS) reason!: AdjustmentReason;
  @ApiPropertyOptional({ example: 'late parcel' }) @IsOptional() @IsString() @Length(1, 500) note?: string;
  @OptionalEventTime('When the adjustment takes effect; default: now') occurredAt?: string;
}
