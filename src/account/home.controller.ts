import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard } from '../auth/core/guards/authenticated.guard';
import { Page } from '../web/page';

@Controller()
export class HomeController {
  /** The greeting and the sign-out form come from the layout's data. */
  @Get()
  @UseGuards(AuthenticatedGuard)
  @Page({ view: 'account/home', title: 'Home' })
  home(@Req() req: Request): object {
    // A "Remember me" session outlives the browser: the page says so.
    return { remembered: req.session.rememberedUntil !== undefined };
  }
}
