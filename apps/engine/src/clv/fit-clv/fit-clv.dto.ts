import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CLV_MODELS, type ClvModel, TIME_UNITS } from '@lifecycle/projections/clv/clv-model';
import type { TimeUnit } from '@lifecycle/clv';

export class FitClvDto {
  @ApiProperty({ enum: CLV_MODELS, example: 'bgnbd' })
  @IsIn(CLV_MODELS as unknown as string[], { message: `model must be one of ${CLV_MODELS.join(', ')}` })
  model!: ClvModel;

  @ApiProperty({ description: 'the last day observed (UTC, inclusive)', example: '1997-09-30' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'asOf must be a date YYYY-MM-DD' })
  asOf!: string;

  @ApiPropertyOptional({ enum: TIME_UNITS, description: "default: the projection definition's unit" })
  @IsOptional()
  @IsIn(TIME_UNITS as string[], { message: `unit must be one of ${TIME_UNITS.join(', ')}` })
  unit?: TimeUnit;
}
