import { IsString } from 'class-validator';
import { IsEmailAddress, IsUsername } from '../../auth/core/account-fields';
import { IsNewPassword, IsSameAs } from '../../auth/core/passwords/password-rules';
import { textField } from '../../web/text-field';

/** Every form that changes something important asks for the current password. */
export class WithCurrentPassword {
  @IsString(textField('Current password'))
  currentPassword!: string;
}

export class ChangeUsernameDto {
  @IsUsername()
  username!: string;
}

export class ChangeEmailDto extends WithCurrentPassword {
  @IsEmailAddress()
  email!: string;
}

/** That the new password is not the username or the address is checked against the account. */
export class ChangePasswordDto extends WithCurrentPassword {
  @IsNewPassword()
  password!: string;

  @IsSameAs('password', { message: 'Passwords must match!' })
  @IsString(textField('Password confirmation'))
  confirmPassword!: string;
}

export class DeleteAccountDto extends WithCurrentPassword {}

export class ExportDataDto extends WithCurrentPassword {}
