import {
  IsString,
  Matches,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { textField } from '../../../web/text-field';
import { isCommonPassword } from './common-passwords';

export const PASSWORD_MIN_BYTES = 8;
/** bcrypt reads only the first 72 bytes: a longer password is refused, never silently cut. */
export const PASSWORD_MAX_BYTES = 72;

export function passwordBytes(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

/** 8 to 72 bytes of UTF-8; the message says which limit was broken. */
export function HasPasswordLength(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'hasPasswordLength',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          passwordBytes(value) >= PASSWORD_MIN_BYTES &&
          passwordBytes(value) <= PASSWORD_MAX_BYTES,
        defaultMessage: ({ value }: ValidationArguments) =>
          typeof value === 'string' && passwordBytes(value) > PASSWORD_MAX_BYTES
            ? `Password must be at most ${PASSWORD_MAX_BYTES} bytes: ${PASSWORD_MAX_BYTES} plain letters, digits or symbols, fewer with accented letters or emoji`
            : `Password must be at least ${PASSWORD_MIN_BYTES} characters`,
      },
    });
}

/** Not one of the passwords that attackers try first. */
export function IsNotCommonPassword(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotCommonPassword',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !isCommonPassword(value),
        defaultMessage: () =>
          'This password is too common: it is on the lists attackers try first. Please choose another',
      },
    });
}

export const PERSONAL_PASSWORD = 'Password must not be your username or email address';

/**
 * Whether the password is the username, the email address or the part of it before the @, in
 * any case.
 */
export function isPersonalPassword(
  password: string,
  { username, email }: { username?: unknown; email?: unknown },
): boolean {
  const personal = [username, email, typeof email === 'string' ? email.split('@')[0] : '']
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .map((part) => part.toLowerCase());
  return personal.includes(password.toLowerCase());
}

/** Not the username or email address of the same form (see isPersonalPassword). */
export function IsNotPersonalPassword(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotPersonalPassword',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, { object }: ValidationArguments) =>
          typeof value === 'string' && !isPersonalPassword(value, object),
        defaultMessage: () => PERSONAL_PASSWORD,
      },
    });
}

const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

/**
 * The rules of a new password (a registration, a reset), but the personal one, which needs the
 * username and email: text, no control character, 8 to 72 bytes, not a common password. The
 * form shows the first that fails, in this order.
 */
export function IsNewPassword() {
  // Applied in this order, as stacked decorators are from the bottom up: class-validator then
  // checks them in the same order.
  const rules = [
    IsString(textField('Password')),
    Matches(NO_CONTROL_CHARACTERS, { message: 'Password must not contain control characters' }),
    HasPasswordLength(),
    IsNotCommonPassword(),
  ];
  return (object: object, propertyName: string) => {
    for (const rule of rules) {
      rule(object, propertyName);
    }
  };
}

/** Equal to the field `property` of the same form, such as a password and its confirmation. */
export function IsSameAs(property: string, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isSameAs',
      target: object.constructor,
      propertyName,
      constraints: [property],
      options,
      validator: {
        validate: (value: unknown, { object, constraints }: ValidationArguments) =>
          value === (object as Record<string, unknown>)[constraints[0] as string],
      },
    });
}
