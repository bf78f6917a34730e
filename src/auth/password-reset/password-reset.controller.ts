import { Body, Controller, Get, Post, Query, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { flash } from '../../web/flash';
import { FormView, Page } from '../../web/page';
import { RedirectException } from '../../web/redirect.exception';
import { GuestGuard } from '../core/guards/guest.guard';
import { ValidTokenGuard } from '../core/tokens/valid-token.guard';
import { ForgotPasswordDto } from './forgot-password.dto';
import {
  FORGOT_PASSWORD_PAGE,
  RESET_LINK_EXPIRED_PAGE,
  RESET_PASSWORD_PAGE,
} from './password-reset.pages';
import { PasswordResetService } from './password-reset.service';
import { ResetPasswordDto } from './reset-password.dto';
import { forgetResetToken, keepResetToken, keptResetToken } from './reset-token-cookie';

export const RESET_LINK_SENT =
  'If an account uses that address, we have sent it a link to reset the password.';

@Controller()
export class PasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  @Get('forgot-password')
  @UseGuards(GuestGuard)
  @Page(FORGOT_PASSWORD_PAGE)
  forgotPasswordForm(): object {
    return {};
  }

  /** The same answer for every valid address, whether or not it has an account. */
  @Post('forgot-password')
  @UseGuards(GuestGuard)
  @FormView(FORGOT_PASSWORD_PAGE)
  @Redirect('/login', 303)
  async forgotPassword(@Req() req: Request, @Body() form: ForgotPasswordDto): Promise<void> {
    await this.reset.request(form.email, req.ip ?? '');
    flash(req, 'info', RESET_LINK_SENT);
  }

  /**
   * The link of the mail (`?token=`) moves its token into a cookie and comes back without it;
   * then the form, with the token in its hidden field.
   */
  @Get('reset-password')
  @Page(RESET_PASSWORD_PAGE)
  async resetPasswordForm(@Req() req: Request, @Query('token') token: unknown): Promise<object> {
    if (token !== undefined) {
      await this.reset.check(token);
      keepResetToken(req, token as string);
      throw new RedirectException('/reset-password');
    }
    const kept = keptResetToken(req);
    await this.reset.check(kept);
    return { values: { token: kept } };
  }

  @Post('reset-password')
  @UseGuards(ValidTokenGuard('password_reset', RESET_LINK_EXPIRED_PAGE))
  @FormView(RESET_PASSWORD_PAGE)
  @Redirect('/login', 303)
  async resetPassword(@Req() req: Request, @Body() form: ResetPasswordDto): Promise<void> {
    await this.reset.resetPassword(form.token, form.password);
    forgetResetToken(req);
    flash(req, 'success', 'Your password has been changed. You can now log in with it.');
  }
}
