import { TransformFnParams } from 'class-transformer';

/** Emails are compared and stored trimmed and lower-cased; anything else is left to the checks. */
export function normaliseEmail({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}
