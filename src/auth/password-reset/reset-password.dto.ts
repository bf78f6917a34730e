import { IsString } from 'class-validator';
import { textField } from '../../web/text-field';
import { IsNewPassword, IsSameAs } from '../core/passwords/password-rules';

/**
 * The new password and the link's token. The token is checked before the form (a dead link gets
 * 400 whatever else the form holds); that the password is not the username or the address is
 * checked against the token's owner, once known.
 */
export class ResetPasswordDto {
  @IsString(textField('Token'))
  token!: string;

  @IsNewPassword()
  password!: string;

  @IsSameAs('password', { message: 'Passwords must match!' })
  @IsString(textField('Password confirmation'))
  confirmPassword!: string;
}
