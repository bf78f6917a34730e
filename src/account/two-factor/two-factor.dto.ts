import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { textField } from '../../web/text-field';
import { WithCurrentPassword } from '../settings/account-settings.dto';

/** Turning two-factor on: a code of the new secret proves the app has it. */
export class EnableTwoFactorDto extends WithCurrentPassword {
  @MaxLength(32, { message: 'That code is not right. Please try again.' })
  @IsNotEmpty({ message: 'Please enter the code from your authenticator app' })
  @IsString(textField('Code'))
  code!: string;
}

export class DisableTwoFactorDto extends WithCurrentPassword {}

export class RecoveryCodesDto extends WithCurrentPassword {}
