import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Redirect,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthenticatedGuard } from '../../auth/core/guards/authenticated.guard';
import { flash } from '../../web/flash';
import { Page } from '../../web/page';
import { AccountFormErrorFilter } from './account-form-error.filter';
import { EMAIL_CHANGE_TERMS } from './account.mails';
import { ACCOUNT_PAGE } from './account.pages';
import {
  ChangeEmailDto,
  ChangePasswordDto,
  ChangeUsernameDto,
  DeleteAccountDto,
  ExportDataDto,
} from './account-settings.dto';
import { AccountExport, AccountExporter } from './account-export';
import { AccountOverview, AccountSettingsService } from './account-settings.service';

const ACCOUNT_PATH = '/account';

/** The signed-in user's settings page and its forms; each answers 303 back, or 422 with errors. */
@Controller('account')
@UseGuards(AuthenticatedGuard)
@UseFilters(AccountFormErrorFilter)
export class AccountSettingsController {
  constructor(
    private readonly settings: AccountSettingsService,
    private readonly exporter: AccountExporter,
  ) {}

  @Get()
  @Page(ACCOUNT_PAGE)
  async page(@Req() req: Request): Promise<{ account: AccountOverview; terms: object }> {
    return { account: await this.settings.overview(userOf(req).id), terms: EMAIL_CHANGE_TERMS };
  }

  @Post('username')
  @Redirect(ACCOUNT_PATH, 303)
  async changeUsername(@Req() req: Request, @Body() form: ChangeUsernameDto): Promise<void> {
    if (await this.settings.changeUsername(userOf(req), form.username)) {
      flash(req, 'success', `Your username is now ${form.username}.`);
    } else {
      flash(req, 'info', `${form.username} is already your username.`);
    }
  }

  @Post('email')
  @Redirect(ACCOUNT_PATH, 303)
  async changeEmail(@Req() req: Request, @Body() form: ChangeEmailDto): Promise<void> {
    await this.settings.askEmailChange(userOf(req), form.email, form.currentPassword, req.ip ?? '');
    flash(
      req,
      'info',
      `We have sent a link to ${form.email}. Your address changes when you open it (within ${EMAIL_CHANGE_TERMS.confirmHours} hours) and press its button.`,
    );
  }

  @Post('password')
  @Redirect(ACCOUNT_PATH, 303)
  async changePassword(@Req() req: Request, @Body() form: ChangePasswordDto): Promise<void> {
    await this.settings.changePassword(req, form.currentPassword, form.password);
    flash(
      req,
      'success',
      'Your password has been changed. Every other device has been signed out.',
    );
  }

  /** A JSON file to save: the account, its sessions and its activity. */
  @Post('export')
  @HttpCode(200)
  async exportData(
    @Req() req: Request,
    @Body() form: ExportDataDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AccountExport> {
    const data = await this.exporter.export(req, form.currentPassword);
    const day = data.exportedAt.slice(0, 10);
    // Content-Disposition: attachment, and (from the name) Content-Type: application/json.
    res.attachment(`nest-auth-${data.account.username}-${day}.json`);
    return data;
  }

  @Post('delete')
  @Redirect('/login', 303)
  async deleteAccount(@Req() req: Request, @Body() form: DeleteAccountDto): Promise<void> {
    await this.settings.deleteAccount(req, form.currentPassword);
    flash(req, 'info', 'Your account has been deleted.');
  }
}

/** AuthenticatedGuard has let only a signed-in request through. */
function userOf(req: Request): Express.User {
  return req.user as Express.User;
}
