import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrors, FormError } from './form-error';

/**
 * Validates every `@Body()` DTO. Shared with the sign-in guard, which must check the body
 * before Passport reads it (guards run before pipes).
 */
export const formValidationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new FormError(toFieldErrors(errors)),
});

function toFieldErrors(errors: ValidationError[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const constraints = error.constraints ?? {};
    if ('whitelistValidation' in constraints) {
      fields.form = [
        'The form contained a field it does not have. Please use the form on this page.',
      ];
    } else {
      fields[error.property] = Object.values(constraints).slice(0, 1);
    }
  }
  return fields;
}
