import { Body, Controller, Get, Post, Query, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { flash } from '../../web/flash';
import { FormView, Page, PageDefinition } from '../../web/page';
import { safeRedirectPath } from '../../web/safe-redirect';
import { AuthService } from '../core/auth.service';
import { GuestGuard } from '../core/guards/guest.guard';
import { LocalAuthGuard } from './local-auth.guard';
import { LoginDto } from './login.dto';

const LOGIN_PAGE: PageDefinition = {
  view: 'sign-in/login',
  title: 'Log in',
  form: true,
  keep: ['email', 'next', 'remember'],
};
const LOGOUT_PAGE: PageDefinition = { view: 'sign-in/logout', title: 'Log out', form: true };

@Controller()
export class SignInController {
  constructor(private readonly auth: AuthService) {}

  @Get('login')
  @UseGuards(GuestGuard)
  @Page(LOGIN_PAGE)
  loginForm(@Query('next') next: unknown): object {
    return { values: { next: safeRedirectPath(next) } };
  }

  /**
   * LocalAuthGuard has checked the credentials; this starts the session under a new id,
   * remembered for REMEMBER_DAYS when the box was ticked.
   */
  @Post('login')
  @UseGuards(GuestGuard, LocalAuthGuard)
  @FormView(LOGIN_PAGE)
  @Redirect('/', 303)
  async login(@Req() req: Request, @Body() form: LoginDto): Promise<{ url: string }> {
    await this.auth.startSession(req, req.user as Express.User, {
      remember: form.remember === 'on',
    });
    return { url: safeRedirectPath(form.next) };
  }

  /** A GET never signs anyone out: it shows a page whose button does. */
  @Get('logout')
  @Page(LOGOUT_PAGE)
  logoutPage(): object {
    return {};
  }

  @Post('logout')
  @Redirect('/login', 303)
  async logout(@Req() req: Request): Promise<void> {
    await this.auth.endSession(req);
    flash(req, 'success', 'You have been logged out.');
  }
}
