import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../users/normalise-email';
import { textField } from '../../web/text-field';

export class ForgotPasswordDto {
  // Decorators run from the bottom up; the form shows the first failure.
  @IsEmail({}, { message: 'Please enter a valid email address' })
  @MaxLength(254, { message: 'Please enter a valid email address' })
  @IsString(textField('Email'))
  @Transform(normaliseEmail)
  email!: string;
}
