import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { INTERACTION_KINDS, type InteractionKind, UPSTREAM_ID } from '@lifecycle/domain';
import { EventTime, UpstreamId } from '../upstream-id';

export class RecordInteractionDto {
  @UpstreamId('Interaction id; a repeat is recognised', 'i-7001') interactionId!: string;
  @ApiProperty({ enum: INTERACTION_KINDS, example: 'survey' }) @IsIn(INTERACTION_KINDS) kind!: InteractionKind;
  @ApiPropertyOptional({ example: 'email' }) @IsOptional() @IsString() @Length(1, 50) channel?: string;
  @EventTime('When the interaction happened') occurredAt!: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'Surveys only: satisfaction 1-5' })
  @IsOptional() @IsInt() @Min(1) @Max(5) satisfaction?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: 'Surveys only: Net Promoter answer 0-10' })
  @IsOptional() @IsInt() @Min(0) @Max(10) nps?: number;
  @ApiPropertyOptional({ example: 'wb:winback-q4:c-1001:1:1', description: 'Delivery feedback (message_sent, email_open, email_click, call_completed) names the action it is about' })
  @IsOptional() @Matches(UPSTREAM_ID, { message: 'actionId must be 1-100 letters, digits or . _ : -' }) actionId?: string;
}
