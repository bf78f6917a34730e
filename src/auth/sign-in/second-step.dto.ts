import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { textField } from '../../web/text-field';

/** The second step of a sign-in: an authenticator code, or a recovery code. */
export class SecondStepDto {
  @MaxLength(32, { message: 'That code is not right. Please try again.' })
  @IsNotEmpty({ message: 'Please enter the code from your authenticator app' })
  @IsString(textField('Code'))
  code!: string;
}
