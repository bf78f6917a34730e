import { Controller, Get, Render, UseGuards } from '@nestjs/common';
import { AuthenticatedGuard } from '../auth/guards/authenticated.guard';

@Controller()
export class HomeController {
  /** The greeting and the sign-out form come from the layout's data (see PageLocalsInterceptor). */
  @Get()
  @UseGuards(AuthenticatedGuard)
  @Render('home')
  home(): object {
    return {};
  }
}
