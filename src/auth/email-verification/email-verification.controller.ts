import { Body, Controller, Get, Post, Query, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { flash } from '../../web/flash';
import { Page } from '../../web/page';
import { refererPath } from '../../web/safe-redirect';
import { AuthenticatedGuard } from '../core/guards/authenticated.guard';
import { TOKEN_LIFETIME_MS } from '../core/tokens/tokens.service';
import { ValidTokenGuard } from '../core/tokens/valid-token.guard';
import { VERIFY_EMAIL_PAGE, VERIFY_LINK_EXPIRED_PAGE } from './email-verification.pages';
import { EmailVerificationService, ResendResult } from './email-verification.service';
import { TokenFormDto } from '../core/tokens/token-form.dto';

@Controller()
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  /** What the mailed link opens: a button. A GET confirms nothing, whoever opens it. */
  @Get('verify-email')
  @Page(VERIFY_EMAIL_PAGE)
  async verifyEmailPage(@Query('token') token: unknown): Promise<object> {
    const owner = await this.verification.check(token);
    return { values: { token }, email: owner.email, verifying: true };
  }

  @Post('verify-email')
  @UseGuards(ValidTokenGuard('email_verification', VERIFY_LINK_EXPIRED_PAGE))
  @Redirect('/login', 303)
  async verifyEmail(@Req() req: Request, @Body() form: TokenFormDto): Promise<{ url: string }> {
    await this.verification.verify(form.token);
    flash(req, 'success', 'Thank you: your email address is confirmed.');
    return { url: req.isAuthenticated() ? '/' : '/login' };
  }

  /** Back to the page the button was on, with a message that says what happened. */
  @Post('verify-email/resend')
  @UseGuards(AuthenticatedGuard)
  @Redirect('/', 303)
  async resend(@Req() req: Request): Promise<{ url: string }> {
    const user = req.user as Express.User;
    flash(req, 'info', resendMessage(await this.verification.resend(user), user.email));
    return { url: refererPath(req) };
  }
}

function resendMessage(result: ResendResult, email: string): string {
  if ('alreadyVerified' in result) {
    return 'Your email address is already confirmed.';
  }
  if (result.sent) {
    return `We have sent a new link to ${email}. It works for ${TOKEN_LIFETIME_MS.email_verification / 3_600_000} hours.`;
  }
  const seconds = Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000));
  return `We sent you a link less than a minute ago: please look for it in your mailbox (and its spam folder), or ask again in ${seconds} seconds.`;
}
