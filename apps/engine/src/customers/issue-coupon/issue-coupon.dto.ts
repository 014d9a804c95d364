import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsIn, IsInt, IsISO4217CurrencyCode, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { COUPON_REASONS, type CouponReason } from '@lifecycle/domain';
import { EventTime, UpstreamId } from '../upstream-id';

const OFFER_KINDS = ['amount-off', 'percent-off'] as const;

/** What class-transformer falls back to for an unknown `kind`: only `kind` is known, and it is wrong. */
export class CouponOfferDto {
  @ApiProperty({ enum: OFFER_KINDS }) @IsIn(OFFER_KINDS) kind!: (typeof OFFER_KINDS)[number];
}

/** "Spend minSpend, get amountOff off", in minor units of currency. */
export class AmountOffOfferDto {
  @ApiProperty({ enum: ['amount-off'] }) @Equals('amount-off') kind!: 'amount-off';
  @ApiProperty({ example: 1000 }) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amountOff!: number;
  @ApiProperty({ example: 5000, description: 'The basket before the coupon must reach it' })
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) minSpend!: number;
  @ApiProperty({ example: 'EUR' }) @IsISO4217CurrencyCode() currency!: string;
}

export class PercentOffOfferDto {
  @ApiProperty({ enum: ['percent-off'] }) @Equals('percent-off') kind!: 'percent-off';
  @ApiProperty({ example: 15 }) @IsInt() @Min(1) @Max(100) percentOff!: number;
}

/** An offer field: amount-off or percent-off by its `kind`, each validated as its own shape. */
export const CouponOfferField = () =>
  applyDecorators(
    ApiProperty({ oneOf: [{ $ref: getSchemaPath(AmountOffOfferDto) }, { $ref: getSchemaPath(PercentOffOfferDto) }] }),
    IsObject(),
    ValidateNested(),
    Type(() => CouponOfferDto, {
      keepDiscriminatorProperty: true,
      discriminator: { property: 'kind', subTypes: [{ value: AmountOffOfferDto, name: 'amount-off' }, { value: PercentOffOfferDto, name: 'percent-off' }] },
    }),
  );

@ApiExtraModels(AmountOffOfferDto, PercentOffOfferDto)
export class IssueCouponDto {
  @UpstreamId('Coupon id, chosen by the issuer (not birthday:* or referral:*, which the engine issues); a repeat is recognised', 'spring-1001')
  couponId!: string;
  @CouponOfferField() offer!: AmountOffOfferDto | PercentOffOfferDto;
  @EventTime('Valid from (inclusive)') validFrom!: string;
  @EventTime('Valid until (exclusive)') validTo!: string;
  @ApiProperty({ enum: COUPON_REASONS, example: 'campaign' }) @IsIn(COUPON_REASONS) reason!: CouponReason;
}
