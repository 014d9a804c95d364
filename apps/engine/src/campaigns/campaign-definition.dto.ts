import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsBoolean, IsIn, IsInt, IsISO4217CurrencyCode, IsNumber, IsObject, IsOptional, IsString, Matches,
  Max, MaxLength, Min, MinLength, ValidateNested, validateSync,
} from 'class-validator';
import type { CampaignDefinition } from '@lifecycle/sagas';
import { ApiError, type ErrorDetail } from '../errors/api-error';
import { validationDetails } from '../errors/validation';
import { type AmountOffOfferDto, CouponOfferField, type PercentOffOfferDto } from '../customers/issue-coupon/issue-coupon.dto';

const STAGES = ['new', 'active', 'dormant', 'lost'] as const;
const VALUE_GROUPS = ['high', 'mid', 'low'] as const;
const TEMPLATE = /^[A-Za-z0-9._:-]{1,100}$/;

export class EligibilityDto {
  @ApiPropertyOptional({ enum: STAGES, description: 'Enrol when the customer enters this lifecycle stage' })
  @IsOptional() @IsIn(STAGES) enteredStage?: (typeof STAGES)[number];
  @ApiPropertyOptional({ description: 'Enrol when the churn warning is raised' }) @IsOptional() @IsBoolean() churnWarning?: boolean;
  @ApiPropertyOptional({ type: [String], example: ['At risk', "Can't lose them"] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true }) segments?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true }) tiers?: string[];
  @ApiPropertyOptional({ enum: VALUE_GROUPS, isArray: true }) @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(VALUE_GROUPS, { each: true })
  valueGroups?: (typeof VALUE_GROUPS)[number][];
  @ApiPropertyOptional({ example: 0.3 }) @IsOptional() @IsNumber() @Min(0) @Max(1) pAliveBelow?: number;
}

export class CampaignCouponDto {
  @CouponOfferField() offer!: AmountOffOfferDto | PercentOffOfferDto;
  @ApiProperty({ example: 30 }) @IsInt() @Min(1) @Max(366) validDays!: number;
}

/** Only `kind` is known for an unknown kind, and it is refused. */
export class StageActionDto {
  @ApiProperty({ enum: ['message', 'callback', 'gift'] }) @IsIn(['message', 'callback', 'gift']) kind!: string;
}

export class MessageActionDto {
  @Equals('message') kind!: 'message';
  @IsIn(['email', 'sms', 'push']) channel!: 'email' | 'sms' | 'push';
  @Matches(TEMPLATE, { message: 'templateId must be 1-100 letters, digits or . _ : -' }) templateId!: string;
  @IsOptional() @ValidateNested() @Type(() => CampaignCouponDto) coupon?: CampaignCouponDto;
}

export class CallbackActionDto {
  @Equals('callback') kind!: 'callback';
  @IsString() @MinLength(1) @MaxLength(100) queue!: string;
}

export class GiftActionDto {
  @Equals('gift') kind!: 'gift';
  @IsString() @MinLength(1) @MaxLength(100) sku!: string;
  @IsBoolean() onlyHighValue = false;
}

@ApiExtraModels(MessageActionDto, CallbackActionDto, GiftActionDto)
export class CampaignStageDto {
  @ApiProperty({ example: 'message with coupon' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ example: 0, description: 'Days after the previous stage (after enrolment for the first)' }) @IsInt() @Min(0) @Max(366) delayDays!: number;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(MessageActionDto) }, { $ref: getSchemaPath(CallbackActionDto) }, { $ref: getSchemaPath(GiftActionDto) }] })
  @IsObject()
  @ValidateNested()
  @Type(() => StageActionDto, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'kind',
      subTypes: [{ value: MessageActionDto, name: 'message' }, { value: CallbackActionDto, name: 'callback' }, { value: GiftActionDto, name: 'gift' }],
    },
  })
  action!: MessageActionDto | CallbackActionDto | GiftActionDto;
  @ApiProperty({ example: 5, description: 'Cost per action sent, minor units' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) cost!: number;
}

/** The body of POST /campaigns and the content of a campaign YAML file. */
export class CampaignDefinitionDto {
  @ApiProperty({ example: 'Win back the dormant' }) @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiProperty({ example: 'USD' }) @IsISO4217CurrencyCode() currency!: string;
  @ApiProperty() @IsObject() @ValidateNested() @Type(() => EligibilityDto) eligibility!: EligibilityDto;
  @ApiPropertyOptional({ example: 0.1, default: 0.1 }) @IsNumber() @Min(0) @Max(0.5) holdoutShare = 0.1;
  @ApiProperty({ type: [CampaignStageDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => CampaignStageDto)
  stages!: CampaignStageDto[];
  @ApiProperty({ example: 60 }) @IsInt() @Min(1) @Max(730) attributionWindowDays!: number;
  @ApiPropertyOptional({ description: 'Total spend cap, minor units' }) @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) budgetCap?: number;
  @ApiPropertyOptional({ example: 180, default: 180 }) @IsInt() @Min(0) @Max(3650) reentryAfterDays = 180;
  @ApiPropertyOptional({ example: 0.3, default: 0.3 }) @IsNumber() @Min(0) @Max(1) marginRate = 0.3;
}

/** The rules that span fields, once the shape is right. */
export function definitionProblems(d: CampaignDefinitionDto): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const e = d.eligibility;
  if (e.enteredStage === undefined && e.churnWarning !== true) {
    problems.push({ field: 'eligibility', reason: 'needs a trigger: enteredStage or churnWarning: true' });
  }
  let day = 0;
  d.stages.forEach((stage, i) => {
    day += stage.delayDays;
    if (day >= d.attributionWindowDays) {
      problems.push({ field: `stages.${i}.delayDays`, reason: `stage ${i + 1} would be due on day ${day}, not inside the ${d.attributionWindowDays}-day attribution window` });
    }
    const action = stage.action;
    if (action.kind === 'message' && action.coupon?.offer.kind === 'amount-off' && action.coupon.offer.currency !== d.currency) {
      problems.push({ field: `stages.${i}.action.coupon.offer.currency`, reason: `must be the campaign's currency ${d.currency}` });
    }
  });
  return problems;
}

const STRICT = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } } as const;

/**
 * Validates a campaign definition from a YAML file or any parsed source, as the HTTP pipe does for
 * a body: every bad field named, unknown fields refused. Throws an ApiError (422 for the rules that
 * span fields, 400 for the shape).
 */
export function parseCampaignDefinition(raw: unknown): CampaignDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw ApiError.validation([{ reason: 'a campaign definition must be a mapping' }]);
  const dto = plainToInstance(CampaignDefinitionDto, raw);
  const shape = validationDetails(validateSync(dto, STRICT));
  if (shape.length > 0) throw ApiError.validation(shape);
  return checkedDefinition(dto);
}

/** For a body the pipe already shaped: only the rules that span fields remain. */
export function checkedDefinition(dto: CampaignDefinitionDto): CampaignDefinition {
  const problems = definitionProblems(dto);
  if (problems.length > 0) throw new ApiError(422, 'CAMPAIGN.INVALID_DEFINITION', 'the campaign definition is not consistent', problems);
  return JSON.parse(JSON.stringify(dto)) as CampaignDefinition;
}
