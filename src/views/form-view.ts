import { ArgumentsHost, Catch, ExceptionFilter, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FormError } from '../common/form-error';
import { pageLocals } from './pages';

/** The fields whose values come back into the form after an error: never a password. */
const KEPT_FIELDS = ['username', 'email', 'next'] as const;

/** Shows `view` again when the route refuses its form: status, each message by its field. */
@Catch(FormError)
export class FormErrorFilter implements ExceptionFilter {
  constructor(private readonly view: string) {}

  catch(error: FormError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const field of KEPT_FIELDS) {
      // A value with a control character is not shown again: it cannot have been typed.
      if (typeof body[field] === 'string' && !/\p{Cc}/u.test(body[field])) {
        values[field] = body[field];
      }
    }
    res
      .status(error.getStatus())
      .render(this.view, { ...pageLocals(req, this.view), errors: error.fields, values });
  }
}

/** On a form's POST route: when the form is refused, show it again with its errors. */
export const FormView = (view: string) => UseFilters(new FormErrorFilter(view));
