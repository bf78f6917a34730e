import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../users/normalise-email';
import { textField } from '../../web/text-field';

/**
 * The rules of the username and email fields, shared by the registration and the settings forms.
 * class-validator checks a property's rules in the order they are applied and the form shows the
 * first failure, so each field is read from its most basic check to its finest.
 */
function applied(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** 3 to 20 characters: a letter, then letters, digits, dots or underscores. */
export const IsUsername = (): PropertyDecorator =>
  applied(
    IsString(textField('Username')),
    Length(3, 20, { message: 'Username must be 3 to 20 characters' }),
    Matches(/^[A-Za-z][A-Za-z0-9_.]*$/, {
      message: 'Usernames must have only letters, numbers, dots or underscores',
    }),
  );

/** A valid address of at most 254 characters, trimmed and lower-cased. */
export const IsEmailAddress = (): PropertyDecorator =>
  applied(
    Transform(normaliseEmail),
    IsString(textField('Email')),
    MaxLength(254, { message: 'Please enter a valid email address' }),
    IsEmail({}, { message: 'Please enter a valid email address' }),
  );
