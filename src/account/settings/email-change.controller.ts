import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Post,
  Query,
  Redirect,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { endSession } from '../../auth/core/login-session';
import { TokenFormDto } from '../../auth/core/tokens/token-form.dto';
import { TokenPurpose, TokensService } from '../../auth/core/tokens/tokens.service';
import { ValidTokenGuard } from '../../auth/core/tokens/valid-token.guard';
import { flash } from '../../web/flash';
import { Page } from '../../web/page';
import { PageException } from '../../web/page.exception';
import { CONFIRM_EMAIL_PAGE, EMAIL_LINK_EXPIRED_PAGE, UNDO_EMAIL_PAGE } from './account.pages';
import { AccountSettingsService } from './account-settings.service';

/**
 * The two links of an email change, for whoever holds them (signed in or not): the one to the
 * new address makes the change, the one to the old address undoes it. Each opens a page with a
 * button, so that a mail scanner that opens links changes nothing.
 */
@Controller('account/email')
export class EmailChangeController {
  constructor(
    private readonly settings: AccountSettingsService,
    private readonly tokens: TokensService,
  ) {}

  @Get('confirm')
  @Page(CONFIRM_EMAIL_PAGE)
  async confirmPage(@Query('token') token: unknown): Promise<object> {
    const owner = await this.liveToken('email_change', token);
    return { values: { token }, email: owner.detail };
  }

  @Post('confirm')
  @UseGuards(ValidTokenGuard('email_change', EMAIL_LINK_EXPIRED_PAGE))
  @Redirect('/login', 303)
  async confirm(@Req() req: Request, @Body() form: TokenFormDto): Promise<{ url: string }> {
    const moved = await this.settings.confirmEmailChange(form.token);
    if (!isSignedInAs(req, moved.userId)) {
      // Pressed in a browser signed out, or signed in to another account: it is told no more.
      flash(req, 'success', `Done: the account now uses ${moved.email}.`);
      return { url: req.isAuthenticated() ? '/' : '/login' };
    }
    flash(req, 'success', `Your account now uses ${moved.email}.`);
    return { url: '/account' };
  }

  @Get('undo')
  @Page(UNDO_EMAIL_PAGE)
  async undoPage(@Query('token') token: unknown): Promise<object> {
    const owner = await this.liveToken('email_change_undo', token);
    return { values: { token }, email: owner.detail, changedTo: owner.email };
  }

  /** Every session has ended, this browser's included; a reset link is on its way. */
  @Post('undo')
  @UseGuards(ValidTokenGuard('email_change_undo', EMAIL_LINK_EXPIRED_PAGE))
  @Redirect('/login', 303)
  async undo(@Req() req: Request, @Body() form: TokenFormDto): Promise<{ url: string }> {
    const moved = await this.settings.undoEmailChange(form.token);
    if (req.isAuthenticated() && !isSignedInAs(req, moved.userId)) {
      // Another account's browser: it stays signed in, and is told no more.
      flash(req, 'success', `Done: the account uses ${moved.email} again.`);
      return { url: '/' };
    }
    if (req.isAuthenticated()) {
      // Ended with every other session of the account: this browser's cookie goes too.
      await endSession(req);
    }
    flash(
      req,
      'warning',
      `Your account uses ${moved.email} again, and every device has been signed out of it. Whoever changed the address knew your password: we have sent ${moved.email} a link to choose a new one. Please do it now.`,
    );
    return { url: '/login' };
  }

  private async liveToken(purpose: TokenPurpose, token: unknown) {
    const owner = await this.tokens.find(purpose, token);
    if (!owner) {
      throw new PageException(EMAIL_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
    return owner;
  }
}

function isSignedInAs(req: Request, userId: number): boolean {
  return req.isAuthenticated() && req.user.id === userId;
}
