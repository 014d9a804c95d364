import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { EventTime, UpstreamId } from '../upstream-id';

export class RefundPurchaseDto {
  @UpstreamId('Refund id; a repeat is recognised', 'r-9001') refundId!: string;
  @UpstreamId('The order being refunded', 'o-5001') orderId!: string;
  @ApiProperty({ example: 1500, description: 'Amount refunded, integer minor units; partial refunds allowed' })
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @EventTime('When the refund happened') occurredAt!: string;
}
