import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { textField } from '../../web/text-field';
import { IsNewPassword, IsNotPersonalPassword, IsSameAs } from '../core/passwords/password-rules';
import { normaliseEmail } from '../../users/normalise-email';

// class-validator runs a property's decorators from the bottom up and the form shows the first
// failure, so each field is read from its most basic check (at the bottom) up to its finest.
export class RegisterDto {
  @Matches(/^[A-Za-z][A-Za-z0-9_.]*$/, {
    message: 'Usernames must have only letters, numbers, dots or underscores',
  })
  @Length(3, 20, { message: 'Username must be 3 to 20 characters' })
  @IsString(textField('Username'))
  username!: string;

  @IsEmail({}, { message: 'Please enter a valid email address' })
  @MaxLength(254, { message: 'Please enter a valid email address' })
  @IsString(textField('Email'))
  @Transform(normaliseEmail)
  email!: string;

  @IsNotPersonalPassword()
  @IsNewPassword()
  password!: string;

  @IsSameAs('password', { message: 'Passwords must match!' })
  @IsString(textField('Password confirmation'))
  confirmPassword!: string;
}
