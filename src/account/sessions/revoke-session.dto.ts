import { IsString } from 'class-validator';
import { textField } from '../../web/text-field';

/**
 * The form that ends one session: its public handle, from the sessions page. Any other text is
 * not refused here: no live session of the user has it, and the page says nothing was ended.
 */
export class RevokeSessionDto {
  @IsString(textField('Session'))
  session!: string;
}
