import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
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

/** Not the username, the email address or the part of it before the @, in any case. */
export function IsNotPersonalPassword(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotPersonalPassword',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, { object }: ValidationArguments) => {
          if (typeof value !== 'string') {
            return false;
          }
          const { username, email } = object as { username?: unknown; email?: unknown };
          const password = value.toLowerCase();
          const personal = [username, email, typeof email === 'string' ? email.split('@')[0] : '']
            .filter((part): part is string => typeof part === 'string' && part.length > 0)
            .map((part) => part.toLowerCase());
          return !personal.includes(password);
        },
        defaultMessage: () => 'Password must not be your username or email address',
      },
    });
}
