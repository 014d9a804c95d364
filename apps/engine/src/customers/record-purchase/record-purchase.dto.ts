import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsInt, IsISO4217CurrencyCode, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { EventTime, UPSTREAM_ID_PATTERN, UpstreamId } from '../upstream-id';

export class PurchaseItemDto {
  @ApiProperty({ example: 'SKU-42' }) @IsString() @Length(1, 100) sku!: string;
  @ApiPropertyOptional({ example: 'books' }) @IsOptional() @IsString() @Length(1, 100) category?: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(1_000_000) quantity!: number;
  @ApiProperty({ example: 1999, description: 'Line amount in integer minor units' })
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
}

export class RecordPurchaseDto {
  @UpstreamId('Order id from the order system; a repeat is recognised', 'o-5001') orderId!: string;
  @ApiProperty({ example: 4999, description: 'Amount paid, in integer minor units (cents)' })
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217' }) @IsISO4217CurrencyCode() currency!: string;
  @EventTime('When the purchase happened') occurredAt!: string;
  @ApiPropertyOptional({ type: [PurchaseItemDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => PurchaseItemDto) items?: PurchaseItemDto[];
  @ApiPropertyOptional({ example: 'card' }) @IsOptional() @IsString() @Length(1, 50) paymentMethod?: string;
  @ApiPropertyOptional({ example: 'SPRING10', description: "Free text: the shop's own campaign code, not checked" })
  @IsOptional() @IsString() @Length(1, 100) couponCode?: string;
  @ApiPropertyOptional({ example: 'spring-1001', description: 'A coupon this engine issued to this customer (POST /customers/:id/coupons, birthday, referral), redeemed by the order' })
  @IsOptional() @IsString() @Matches(UPSTREAM_ID_PATTERN, { message: '$property may contain only letters, digits and . _ : - (1-100)' }) couponId?: string;
}
