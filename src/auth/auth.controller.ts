import {
  Body,
  Controller,
  Get,
  Post,
  Query,
  Redirect,
  Render,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { flash } from '../views/flash';
import { FormView } from '../views/form-view';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { GuestGuard } from './guards/guest.guard';
import { LocalAuthGuard } from './guards/local-auth.guard';
import { RegistrationLimitGuard } from './limits/registration-limit.guard';
import { safeRedirectPath } from './safe-redirect';

@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('register')
  @UseGuards(GuestGuard)
  @Render('register')
  registerForm(): object {
    return {};
  }

  @Post('register')
  @UseGuards(GuestGuard, RegistrationLimitGuard)
  @FormView('register')
  @Redirect('/login', 303)
  async register(@Req() req: Request, @Body() form: RegisterDto): Promise<void> {
    await this.auth.register(form);
    flash(req, 'success', 'Account created. You can now log in.');
  }

  @Get('login')
  @UseGuards(GuestGuard)
  @Render('login')
  loginForm(@Query('next') next: unknown): object {
    return { values: { next: safeRedirectPath(next) } };
  }

  /** LocalAuthGuard has checked the credentials; this starts the session under a new id. */
  @Post('login')
  @UseGuards(GuestGuard, LocalAuthGuard)
  @FormView('login')
  @Redirect('/', 303)
  async login(@Req() req: Request, @Body() form: LoginDto): Promise<{ url: string }> {
    await this.auth.startSession(req, req.user as Express.User);
    return { url: safeRedirectPath(form.next) };
  }

  /** A GET never signs anyone out: it shows a page whose button does. */
  @Get('logout')
  @Render('logout')
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
