import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthenticatedGuard } from '../auth/core/guards/authenticated.guard';
import { Page } from '../web/page';

@Controller()
export class HomeController {
  /** The greeting and the sign-out form come from the layout's data. */
  @Get()
  @UseGuards(AuthenticatedGuard)
  @Page({ view: 'account/home', title: 'Home' })
  home(): object {
    return {};
  }
}
