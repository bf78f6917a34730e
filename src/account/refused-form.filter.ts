import { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorPageFilter } from '../web/error-page.filter';
import { FormError } from '../web/form-error';
import { refusedForm, renderRefusedForm } from '../web/form-view';
import type { PageDefinition } from '../web/page';

/**
 * For a signed-in page with several forms: when one is refused, the page comes back as it is
 * (its own data, loaded again), with the messages and values in the form that was sent only,
 * named by the last part of its path (several forms may ask for the current password).
 * Subclasses are `@Catch(FormError)` filters that say which page, which forms, and its data.
 */
export abstract class RefusedFormFilter implements ExceptionFilter {
  protected abstract readonly page: PageDefinition;
  protected abstract readonly forms: ReadonlySet<string>;

  protected abstract load(req: Request): Promise<object>;

  catch(error: FormError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const form = req.path.split('/').pop() ?? '';
    this.load(req)
      .then((data) =>
        renderRefusedForm(req, res, this.page, error, {
          ...data,
          forms: this.forms.has(form) ? { [form]: refusedForm(req, this.page, error) } : {},
        }),
      )
      // The account gone, or the database down: the error page every other failure gets.
      .catch((failure: unknown) => new ErrorPageFilter().catch(failure, host));
  }
}
