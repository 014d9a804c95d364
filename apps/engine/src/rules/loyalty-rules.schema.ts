// The decorators below read design metadata: loaded here, since projections validate rules outside Nest too.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize, ArrayNotEmpty, IsArray, IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsOptional, IsString, Matches, Max, Min,
  ValidateIf, ValidateNested,
} from 'class-validator';

/**
 * The shape of the loyalty rules file, for class-validator. Per-currency maps (`currencies`,
 * `minSpend`, `amountOff`) have keys nobody can name in advance; `validate-loyalty-rules.ts`
 * checks those and every rule that spans fields (ascending tiers, known currencies...).
 */
const ID = /^[A-Za-z0-9._:-]{1,100}$/;
const idMessage = { message: '$property must be 1-100 letters, digits or . _ : -' };
const twoDecimals = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };

export class PointValueDto {
  @IsInt() @Min(1) points!: number;
  @IsInt() @Min(0) minorUnits!: number;
}

export class CurrencyRuleDto {
  @IsInt() @Min(1) minorUnitsPerUnit!: number;
  @IsNumber(twoDecimals, { message: '$property must be a number with at most 2 decimals' }) @Min(0) pointsPerUnit!: number;
  @ValidateNested() @Type(() => PointValueDto) pointValue!: PointValueDto;
}

export class BonusRuleDto {
  @Matches(ID, idMessage) id!: string;
  @IsNumber(twoDecimals, { message: '$property must be a number with at most 2 decimals' }) @Min(0.01) multiplier!: number;
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsString({ each: true }) categories?: string[];
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsString({ each: true }) paymentMethods?: string[];
  @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsInt({ each: true }) @Min(1, { each: true }) @Max(31, { each: true }) daysOfMonth?: number[];
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true }) daysOfWeek?: number[];
}

export class ExpiryPolicyDto {
  @IsIn(['months-after-earning', 'annual-lapse']) kind!: 'months-after-earning' | 'annual-lapse';
  @ValidateIf((o: ExpiryPolicyDto) => o.kind === 'months-after-earning') @IsInt() @Min(1) @Max(600) months?: number;
  @ValidateIf((o: ExpiryPolicyDto) => o.kind === 'annual-lapse') @Matches(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: '$property must be MM-DD' })
  on?: string;
  @ValidateIf((o: ExpiryPolicyDto) => o.kind === 'annual-lapse') @IsInt() @Min(1) @Max(100) percent?: number;
  @ValidateIf((o: ExpiryPolicyDto) => o.kind === 'annual-lapse') @IsInt() @Min(0) @Max(600) minAgeMonths?: number;
}

export class TierLevelDto {
  @Matches(ID, idMessage) name!: string;
  @IsObject() minSpend!: Record<string, number>;
  @IsOptional() @IsInt() @Min(0) minOrders?: number;
  @IsNumber(twoDecimals, { message: '$property must be a number with at most 2 decimals' }) @Min(0) pointsMultiplier!: number;
  @IsNumber() @Min(0) @Max(100) discountPercent!: number;
}

export class TierPolicyDto {
  @IsIn(['spend', 'spend-and-orders', 'spend-or-orders']) qualifyBy: 'spend' | 'spend-and-orders' | 'spend-or-orders' = 'spend';
  @IsInt() @Min(1) @Max(120) windowMonths = 12;
  @IsInt() @Min(1) @Max(120) reviewPeriodMonths = 12;
}

export class CouponTemplateDto {
  @IsIn(['amount-off', 'percent-off']) kind!: 'amount-off' | 'percent-off';
  @ValidateIf((o: CouponTemplateDto) => o.kind === 'amount-off') @IsObject() amountOff?: Record<string, number>;
  @ValidateIf((o: CouponTemplateDto) => o.kind === 'amount-off') @IsObject() minSpend?: Record<string, number>;
  @ValidateIf((o: CouponTemplateDto) => o.kind === 'percent-off') @IsInt() @Min(1) @Max(100) percentOff?: number;
  @IsInt() @Min(1) @Max(3660) validDays!: number;
}

export class RewardDto {
  @IsOptional() @IsInt() @Min(1) points?: number;
  @IsOptional() @ValidateNested() @Type(() => CouponTemplateDto) coupon?: CouponTemplateDto;
}

export class ReferralRulesDto {
  @IsInt() @Min(0) @Max(3660) windowDays!: number;
  @ValidateNested() @Type(() => RewardDto) referrer!: RewardDto;
  @ValidateNested() @Type(() => RewardDto) referee!: RewardDto;
}

export class BirthdayRulesDto {
  @ValidateNested() @Type(() => RewardDto) reward!: RewardDto;
  @IsInt() @Min(0) @Max(31) graceDays = 0;
}

export class LoyaltyRulesDto {
  @Matches(ID, idMessage) version!: string;
  @IsString() timeZone!: string;
  @IsString() defaultCurrency!: string;
  @IsObject() currencies!: Record<string, CurrencyRuleDto>;
  @IsArray() @ValidateNested({ each: true }) @Type(() => BonusRuleDto) bonuses: BonusRuleDto[] = [];
  @ValidateNested() @Type(() => ExpiryPolicyDto) expiry!: ExpiryPolicyDto;
  @IsInt() @Min(0) @Max(365) expiryWarningDays = 30;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => TierLevelDto) tiers!: TierLevelDto[];
  @ValidateNested() @Type(() => TierPolicyDto) tierPolicy: TierPolicyDto = new TierPolicyDto();
  @IsOptional() @ValidateNested() @Type(() => ReferralRulesDto) referral?: ReferralRulesDto;
  @IsOptional() @ValidateNested() @Type(() => BirthdayRulesDto) birthday?: BirthdayRulesDto;
}
