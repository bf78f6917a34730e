import { Controller, Get, Post, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard } from '../../auth/core/guards/authenticated.guard';
import { endSession } from '../../auth/core/login-session';
import { ResetLinkMailer } from '../../auth/core/reset-link-mailer';
import { TokensService } from '../../auth/core/tokens/tokens.service';
import { SessionsService } from '../../sessions/sessions.service';
import { flash } from '../../web/flash';
import { Page, PageDefinition } from '../../web/page';
import { ActivityPageService, ActivityRow } from './activity-page.service';

const ACTIVITY_PAGE: PageDefinition = { view: 'account/activity', title: 'Security activity' };

/** The account's own security events, and "This wasn't me". */
@Controller('account/activity')
@UseGuards(AuthenticatedGuard)
export class ActivityPageController {
  constructor(
    private readonly activity: ActivityPageService,
    private readonly sessions: SessionsService,
    private readonly resetLinks: ResetLinkMailer,
    private readonly tokens: TokensService,
  ) {}

  @Get()
  @Page(ACTIVITY_PAGE)
  page(@Req() req: Request): Promise<{ events: ActivityRow[] }> {
    return this.activity.page((req.user as Express.User).id);
  }

  /**
   * Someone else got in: every session ends, this one too, and a reset link goes to the
   * account's address, so that the owner chooses a password the intruder does not know.
   */
  @Post('not-me')
  @Redirect('/login', 303)
  async notMe(@Req() req: Request): Promise<void> {
    const user = req.user as Express.User;
    await this.sessions.endAll(user.id, 'not_me');
    // An email change the intruder asked for dies too.
    await this.tokens.revoke('email_change', user.id);
    // Ended above with the others: this browser's cookie goes too.
    await endSession(req);
    await this.resetLinks.send(user);
    flash(
      req,
      'warning',
      `Every device has been signed out of your account, this one too. We have sent ${user.email} a link to choose a new password: please do it now.`,
    );
  }
}
