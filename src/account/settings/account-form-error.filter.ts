import { Catch, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { FormError } from '../../web/form-error';
import { RefusedFormFilter } from '../refused-form.filter';
import { EMAIL_CHANGE_TERMS } from './account.mails';
import { ACCOUNT_PAGE } from './account.pages';
import { AccountSettingsService } from './account-settings.service';

/** A refused form of the account page: the page again, the messages in that form. */
@Catch(FormError)
@Injectable()
export class AccountFormErrorFilter extends RefusedFormFilter {
  protected readonly page = ACCOUNT_PAGE;
  protected readonly forms = new Set(['username', 'email', 'password', 'export', 'delete']);

  constructor(private readonly settings: AccountSettingsService) {
    super();
  }

  protected async load(req: Request): Promise<object> {
    const account = await this.settings.overview((req.user as Express.User).id);
    return { account, terms: EMAIL_CHANGE_TERMS };
  }
}
