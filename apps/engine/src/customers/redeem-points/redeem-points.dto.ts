import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalEventTime, UpstreamId } from '../upstream-id';

export class RedeemPointsDto {
  @UpstreamId('Redemption id from the shop or app; a repeat is recognised', 'rd-77') redemptionId!: string;
  @ApiProperty({ example: 500, description: 'Points to spend (oldest lots first)' })
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) points!: number;
  @UpstreamId('The reward the points buy, from the catalogue', 'tote-bag') rewardId!: string;
  @OptionalEventTime('When the redemption happened; default: now') occurredAt?: string;
}
