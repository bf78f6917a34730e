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
import { flash } from '../../web/flash';
import { FormView, Page, PageDefinition } from '../../web/page';
import { safeRedirectPath } from '../../web/safe-redirect';
import { FormError } from '../../web/form-error';
import { RedirectException } from '../../web/redirect.exception';
import { AuthService } from '../core/auth.service';
import { endSession } from '../core/login-session';
import { TwoFactorService } from '../core/two-factor/two-factor.service';
import { beginSecondStep, pendingSecondStep, SecondStep } from './second-step';
import { SecondStepDto } from './second-step.dto';
import { SecondStepService } from './second-step.service';
import { GuestGuard } from '../core/guards/guest.guard';
import { LocalAuthGuard } from './local-auth.guard';
import { LoginDto } from './login.dto';

const SECOND_STEP_PATH = '/login/two-factor';

const LOGIN_PAGE: PageDefinition = {
  view: 'sign-in/login',
  title: 'Log in',
  form: true,
  keep: ['email', 'next', 'remember'],
};
const LOGOUT_PAGE: PageDefinition = { view: 'sign-in/logout', title: 'Log out', form: true };
const SECOND_STEP_PAGE: PageDefinition = {
  view: 'sign-in/two-factor',
  title: 'Two-factor sign-in',
  form: true,
};

export const WRONG_CODE = 'That code is not right. Please try again.';
const SECOND_STEP_ENDED = 'Your sign-in has ended. Please log in again.';
const TOO_MANY_CODES = 'Too many wrong codes. Please log in again.';

@Controller()
export class SignInController {
  constructor(
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
    private readonly secondSteps: SecondStepService,
  ) {}

  @Get('login')
  @UseGuards(GuestGuard)
  @Page(LOGIN_PAGE)
  loginForm(@Query('next') next: unknown): object {
    return { values: { next: safeRedirectPath(next) } };
  }

  /**
   * LocalAuthGuard has checked the credentials; this starts the session under a new id,
   * remembered for REMEMBER_DAYS when the box was ticked. With two-factor on, the session only
   * waits for the code, at /login/two-factor.
   */
  @Post('login')
  @UseGuards(GuestGuard, LocalAuthGuard)
  @FormView(LOGIN_PAGE)
  @Redirect('/', 303)
  async login(@Req() req: Request, @Body() form: LoginDto): Promise<{ url: string }> {
    const user = req.user as Express.User;
    const remember = form.remember === 'on';
    const next = safeRedirectPath(form.next);
    if (await this.twoFactor.isEnabled(user.id)) {
      req.user = undefined;
      await beginSecondStep(req, { userId: user.id, email: user.email, remember, next });
      return { url: SECOND_STEP_PATH };
    }
    await this.auth.startSession(req, user, { remember });
    return { url: next };
  }

  /** The second step of a sign-in: the code of an authenticator app, or a recovery code. */
  @Get(SECOND_STEP_PATH.slice(1))
  @UseGuards(GuestGuard)
  @Page(SECOND_STEP_PAGE)
  async secondStepForm(@Req() req: Request): Promise<object> {
    await this.pendingOrBackToLogin(req);
    return {};
  }

  @Post(SECOND_STEP_PATH.slice(1))
  @UseGuards(GuestGuard)
  @FormView(SECOND_STEP_PAGE)
  @Redirect('/', 303)
  async secondStep(@Req() req: Request, @Body() form: SecondStepDto): Promise<{ url: string }> {
    const step = await this.pendingOrBackToLogin(req);
    switch (await this.secondSteps.submit(req, step, form.code)) {
      case 'signed_in':
        return { url: step.next };
      case 'too_many':
        flash(req, 'danger', TOO_MANY_CODES);
        return { url: '/login' };
      case 'ended':
        flash(req, 'info', SECOND_STEP_ENDED);
        return { url: '/login' };
      case 'wrong_code':
        throw new FormError({ code: [WRONG_CODE] }, HttpStatus.UNAUTHORIZED);
    }
  }

  /** The sign-in that waits for a code; none (or one past its 5 minutes): back to /login. */
  private async pendingOrBackToLogin(req: Request): Promise<SecondStep> {
    const step = pendingSecondStep(req);
    if (step) {
      return step;
    }
    if (req.session?.secondStep) {
      await endSession(req);
    }
    throw new RedirectException('/login', { type: 'info', message: SECOND_STEP_ENDED });
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
