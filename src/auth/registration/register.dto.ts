import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsString,
  Length,
  Matches,
  MaxLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { textField } from '../../web/text-field';
import {
  HasPasswordLength,
  IsNotCommonPassword,
  IsNotPersonalPassword,
} from '../core/passwords/password-rules';
import { normaliseEmail } from '../../users/normalise-email';

const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

// class-validator runs a property's decorators from the bottom up and the form shows the first
// failure, so each field is read from its most basic check (at the bottom) up to its finest.
export class RegisterDto {
  @Matches(/^[A-Za-z][A-Za-z0-9_.]*$/, {
    message: 'Usernames must have only letters, numbers, dots or underscores',
  })
  @Length(3, 20, { message: 'Username must be 3 to 20 characters' })
  @IsString(textField('Username'))
  username!: string;

  @IsEmail({}, { message: 'Please enter a valid email address' })
  @MaxLength(254, { message: 'Please enter a valid email address' })
  @IsString(textField('Email'))
  @Transform(normaliseEmail)
  email!: string;

  @IsNotPersonalPassword()
  @IsNotCommonPassword()
  @HasPasswordLength()
  @Matches(NO_CONTROL_CHARACTERS, { message: 'Password must not contain control characters' })
  @IsString(textField('Password'))
  password!: string;

  @IsSameAs('password', { message: 'Passwords must match!' })
  @IsString(textField('Password confirmation'))
  confirmPassword!: string;
}

function IsSameAs(property: string, options?: ValidationOptions) {
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
