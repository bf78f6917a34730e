import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FormError } from './form-error';
import { PageDefinition, pageLocals } from './pages';

/** Shows the page again when its route refuses the form: status, each message by its field. */
@Catch(FormError)
export class FormErrorFilter implements ExceptionFilter {
  constructor(private readonly page: PageDefinition) {}

  catch(error: FormError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const field of this.page.keep ?? []) {
      // A value with a control character is not shown again: it cannot have been typed.
      if (typeof body[field] === 'string' && !/\p{Cc}/u.test(body[field])) {
        values[field] = body[field];
      }
    }
    res
      .status(error.getStatus())
      .render(this.page.view, { ...pageLocals(req, res, this.page), errors: error.fields, values });
  }
}
