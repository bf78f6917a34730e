import { IsString } from 'class-validator';
import { textField } from '../../web/text-field';

/** The confirm button's form: the link's token (checked by ValidTokenGuard before this). */
export class VerifyEmailDto {
  @IsString(textField('Token'))
  token!: string;
}
