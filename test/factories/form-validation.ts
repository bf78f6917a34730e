import { FieldErrors, FormError } from '../../src/web/form-error';
import { formValidationPipe } from '../../src/web/form-validation.pipe';

type Dto = new () => object;

/** Runs `body` through the app's own form validation, as `@Body()` would for `dto`. */
export const validateForm = (dto: Dto, body: Record<string, unknown>): Promise<unknown> =>
  formValidationPipe.transform(body, { type: 'body', metatype: dto });

/** The messages by field of the FormError the form is refused with. */
export async function formErrorsOf(dto: Dto, body: Record<string, unknown>): Promise<FieldErrors> {
  const error = await validateForm(dto, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormError);
  return (error as FormError).fields;
}
