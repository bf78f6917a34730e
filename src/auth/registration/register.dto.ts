import { IsString } from 'class-validator';
import { textField } from '../../web/text-field';
import { NewAccountDto } from '../core/new-account.dto';
import { IsSameAs } from '../core/passwords/password-rules';

/** The registration form: a new account's fields, and the password once more. */
export class RegisterDto extends NewAccountDto {
  @IsSameAs('password', { message: 'Passwords must match!' })
  @IsString(textField('Password confirmation'))
  confirmPassword!: string;
}
