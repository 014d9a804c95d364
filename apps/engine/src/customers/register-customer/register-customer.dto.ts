import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { EventTime, UpstreamId } from '../upstream-id';

export class RegisterCustomerDto {
  @UpstreamId('Customer id from the upstream system', 'c-1001') customerId!: string;
  @EventTime('When the customer registered') registeredAt!: string;
  @ApiProperty({ example: 'web' }) @IsString() @Length(1, 50) channel!: string;
  @ApiPropertyOptional({ example: 'c-1000', description: 'The customer who referred this one' })
  @IsOptional() @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9._:-]+$/) referrerId?: string;
  @ApiPropertyOptional({ example: '1990-02-28', description: 'Personal: stored encrypted' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'birthday must be YYYY-MM-DD' }) birthday?: string;
  @ApiPropertyOptional({ example: 'Ada Lovelace', description: 'Personal: stored encrypted' })
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ example: 'ada@example.org', description: 'Personal: stored encrypted' })
  @IsOptional() @IsEmail() @Length(3, 320) email?: string;
  @ApiPropertyOptional({ example: '+44 20 7946 0958', description: 'Personal: stored encrypted' })
  @IsOptional() @Matches(/^\+?[0-9 ()-]{3,30}$/, { message: 'phone must be digits, spaces, ( ) - and an optional leading +' }) phone?: string;
}
