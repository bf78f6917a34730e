import { Body, Controller, Get, Post, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { flash } from '../../web/flash';
import { FormView, Page, PageDefinition } from '../../web/page';
import { GuestGuard } from '../core/guards/guest.guard';
import { RegisterDto } from './register.dto';
import { RegistrationLimitGuard } from './registration-limit.guard';
import { RegistrationService } from './registration.service';

const REGISTER_PAGE: PageDefinition = {
  view: 'registration/register',
  title: 'Create an account',
  form: true,
  keep: ['username', 'email'],
};

@Controller()
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Get('register')
  @UseGuards(GuestGuard)
  @Page(REGISTER_PAGE)
  registerForm(): object {
    return {};
  }

  @Post('register')
  @UseGuards(GuestGuard, RegistrationLimitGuard)
  @FormView(REGISTER_PAGE)
  @Redirect('/login', 303)
  async register(@Req() req: Request, @Body() form: RegisterDto): Promise<void> {
    await this.registration.register(form);
    flash(req, 'success', 'Account created. You can now log in.');
  }
}
