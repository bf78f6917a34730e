import { IsString } from 'class-validator';
import { textField } from '../../web/text-field';
import { IsEmailAddress, IsUsername } from '../core/account-fields';
import { IsNewPassword, IsNotPersonalPassword, IsSameAs } from '../core/passwords/password-rules';

// class-validator runs a property's decorators from the bottom up and the form shows the first
// failure, so each field is read from its most basic check (at the bottom) up to its finest.
export class RegisterDto {
  @IsUsername()
  username!: string;

  @IsEmailAddress()
  email!: string;

  @IsNotPersonalPassword()
  @IsNewPassword()
  password!: string;

  @IsSameAs('password', { message: 'Passwords must match!' })
  @IsString(textField('Password confirmation'))
  confirmPassword!: string;
}
