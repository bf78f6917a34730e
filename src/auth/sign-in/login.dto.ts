import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { textField } from '../../web/text-field';
import { normaliseEmail } from '../../users/normalise-email';

// Decorators run from the bottom up; the form shows each field's first failure.
export class LoginDto {
  @IsEmail({}, { message: 'Please enter a valid email address' })
  @MaxLength(254, { message: 'Please enter a valid email address' })
  @IsString(textField('Email'))
  @Transform(normaliseEmail)
  email!: string;

  // No length rule beyond a sanity bound: a wrong password gets the one "Invalid email or
  // password." answer, whatever its length (AuthService refuses more than 72 bytes).
  @MaxLength(1024, { message: 'Invalid email or password.' })
  @IsNotEmpty({ message: 'Please enter your password' })
  @IsString(textField('Password'))
  password!: string;

  /** Where to go after signing in; only a local path is followed (see safeRedirectPath). */
  @IsOptional()
  @Matches(/^\P{Cc}*$/u, { message: 'The page to return to is not valid' })
  @MaxLength(2048, { message: 'The page to return to is too long' })
  @IsString(textField('The page to return to'))
  next?: string;
}
