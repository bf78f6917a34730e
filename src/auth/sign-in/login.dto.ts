import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { textField } from '../../web/text-field';
import { normaliseEmail } from '../../users/normalise-email';
import { safeRedirectPath } from '../../web/safe-redirect';

/** What a checkbox may send when ticked: browsers send `on` unless it has a value of its own. */
const TICKED = new Set(['on', '1', 'true', 'yes']);

// Decorators run from the bottom up; the form shows each field's first failure.
export class LoginDto {
  @IsEmail({}, { message: 'Please enter a valid email address' })
  @MaxLength(254, { message: 'Please enter a valid email address' })
  @IsString(textField('Email'))
  @Transform(normaliseEmail)
  email!: string;

  // No length rule beyond a sanity bound: a wrong password gets the one "Invalid email or
  // password." answer, whatever its length (AuthService refuses more than 72 bytes).
  @MaxLength(1024, { message: 'Invalid email or password.' })
  @IsNotEmpty({ message: 'Please enter your password' })
  @IsString(textField('Password'))
  password!: string;

  /**
   * Where to go after signing in: a path on this site, else `/`. Anything else (another site,
   * a control character, a list, a very long value) is ignored rather than refused, so that a
   * crafted link can never stop a person from signing in.
   */
  @IsOptional()
  @IsString()
  @Transform(({ value }: { value: unknown }) => safeRedirectPath(value))
  next?: string;

  /**
   * The "Remember me" checkbox: `on` when ticked (or 1, true, yes, in any case), else absent.
   * Any other single value means "not ticked"; a list is refused, as for every field.
   */
  @IsOptional()
  @IsIn(['on'], textField('Remember me'))
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (TICKED.has(value.trim().toLowerCase()) ? 'on' : undefined) : value,
  )
  remember?: 'on';
}
