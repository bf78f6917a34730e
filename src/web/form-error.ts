import { HttpException, HttpStatus } from '@nestjs/common';

/** Messages per form field; `form` holds the ones about the form as a whole. */
export type FieldErrors = Partial<Record<string, string[]>>;

/**
 * The input of a form was refused. The route's `@FormView` filter shows the form again with
 * each message next to its field.
 */
export class FormError extends HttpException {
  constructor(
    readonly fields: FieldErrors,
    status: HttpStatus = HttpStatus.UNPROCESSABLE_ENTITY,
  ) {
    super('The form has errors', status);
  }
}
