import { ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * Options for the `@IsString()` that opens every form field: a missing field and one sent
 * twice (which arrives as an array) get a message a person understands.
 */
export function textField(label: string): ValidationOptions {
  return {
    message: ({ value }: ValidationArguments) =>
      value === undefined ? `${label} is required` : `${label} must be sent once, as text`,
  };
}
