import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { textField } from '../../web/text-field';
import { WithCurrentPassword } from '../settings/account-settings.dto';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

/** Which passkey of the account a form is about: its number on the page. */
class WithPasskey {
  @Matches(/^[1-9]\d{0,8}$/, { message: 'No such passkey.' })
  @IsString(textField('Passkey'))
  id!: string;
}

export class RenamePasskeyDto extends WithPasskey {
  @Matches(/^[^\p{Cc}]*$/u, { message: 'A passkey name cannot have control characters' })
  @Length(1, 64, { message: 'A passkey name is 1 to 64 characters long' })
  @IsString(textField('Name'))
  @Transform(trimmed)
  name!: string;
}

export class RemovePasskeyDto extends WithCurrentPassword {
  @Matches(/^[1-9]\d{0,8}$/, { message: 'No such passkey.' })
  @IsString(textField('Passkey'))
  id!: string;
}
