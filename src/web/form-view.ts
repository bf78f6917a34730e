import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FormError } from './form-error';
import { PageDefinition, pageLocals } from './pages';

/** Shows the page again when its route refuses the form: status, each message by its field. */
@Catch(FormError)
export class FormErrorFilter implements ExceptionFilter {
  constructor(private readonly page: PageDefinition) {}

  catch(error: FormError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    renderRefusedForm(http.getRequest<Request>(), http.getResponse<Response>(), this.page, error);
  }
}

/** What a refused form shows again: each message by its field, and the values it keeps. */
export interface RefusedForm {
  errors: FormError['fields'];
  values: Record<string, string>;
}

export function refusedForm(req: Request, page: PageDefinition, error: FormError): RefusedForm {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const field of page.keep ?? []) {
    // A value with a control character is not shown again: it cannot have been typed.
    if (typeof body[field] === 'string' && !/\p{Cc}/u.test(body[field])) {
      values[field] = body[field];
    }
  }
  return { errors: error.fields, values };
}

/** Renders the page of a refused form, with the page's own `data` when it has more. */
export function renderRefusedForm(
  req: Request,
  res: Response,
  page: PageDefinition,
  error: FormError,
  data: object = refusedForm(req, page, error),
): void {
  res.status(error.getStatus()).render(page.view, { ...pageLocals(req, res, page), ...data });
}
