import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FormError } from '../../web/form-error';
import { ErrorPageFilter } from '../../web/error-page.filter';
import { refusedForm, renderRefusedForm } from '../../web/form-view';
import { EMAIL_CHANGE_TERMS } from './account.mails';
import { ACCOUNT_PAGE } from './account.pages';
import { AccountSettingsService } from './account-settings.service';

/** Which of the account page's forms was sent: the last part of its path. */
const FORMS = new Set(['username', 'email', 'password', 'export', 'delete']);

/**
 * Shows the account page again when one of its forms is refused: the account as it is, and the
 * messages and values in the form that was sent only (several forms ask for the current
 * password).
 */
@Catch(FormError)
@Injectable()
export class AccountFormErrorFilter implements ExceptionFilter {
  constructor(private readonly settings: AccountSettingsService) {}

  catch(error: FormError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const form = req.path.split('/').pop() ?? '';
    const refused = refusedForm(req, ACCOUNT_PAGE, error);
    this.settings
      .overview((req.user as Express.User).id)
      .then((account) =>
        renderRefusedForm(req, res, ACCOUNT_PAGE, error, {
          account,
          terms: EMAIL_CHANGE_TERMS,
          forms: FORMS.has(form) ? { [form]: refused } : {},
        }),
      )
      // The account gone, or the database down: the error page every other failure gets.
      .catch((failure: unknown) => new ErrorPageFilter().catch(failure, host));
  }
}
