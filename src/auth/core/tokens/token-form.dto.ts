import { IsString } from 'class-validator';
import { textField } from '../../../web/text-field';

/**
 * The form of a page a mailed link opens (confirm an address, confirm or undo an email change):
 * only the link's token, which ValidTokenGuard has checked before this.
 */
export class TokenFormDto {
  @IsString(textField('Token'))
  token!: string;
}
