import { Body, Controller, Get, Post, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthService } from '../../auth/core/auth.service';
import { AuthenticatedGuard } from '../../auth/core/guards/authenticated.guard';
import { flash } from '../../web/flash';
import { Page, PageDefinition } from '../../web/page';
import { RevokeSessionDto } from './revoke-session.dto';
import { SessionsPageData, SessionsPageService } from './sessions-page.service';

const SESSIONS_PATH = '/account/sessions';
const SESSIONS_PAGE: PageDefinition = { view: 'account/sessions', title: 'Sessions' };

/** The signed-in user's sessions, one per browser or device, and ending them. */
@Controller('account/sessions')
@UseGuards(AuthenticatedGuard)
export class SessionsPageController {
  constructor(
    private readonly sessions: SessionsPageService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @Page(SESSIONS_PAGE)
  list(@Req() req: Request): Promise<SessionsPageData> {
    return this.sessions.page(userIdOf(req), req.sessionID);
  }

  /** Ends one other session; asked to end this one, signs this browser out, as POST /logout. */
  @Post('revoke')
  @Redirect(SESSIONS_PATH, 303)
  async revoke(@Req() req: Request, @Body() form: RevokeSessionDto): Promise<{ url: string }> {
    const ending = await this.sessions.end(userIdOf(req), form.session, req.sessionID);
    switch (ending.outcome) {
      case 'current':
        await this.auth.endSession(req);
        flash(req, 'success', 'You have been logged out.');
        return { url: '/login' };
      case 'ended':
        flash(req, 'success', `${ending.device} has been signed out.`);
        break;
      case 'none':
        flash(req, 'warning', 'Nothing was ended: that is not one of your active sessions.');
        break;
    }
    return { url: SESSIONS_PATH };
  }

  @Post('revoke-others')
  @Redirect(SESSIONS_PATH, 303)
  async revokeOthers(@Req() req: Request): Promise<void> {
    const count = await this.sessions.endOthers(userIdOf(req), req.sessionID);
    if (count === 0) {
      flash(req, 'info', 'There were no other sessions to end.');
    } else {
      flash(req, 'success', `Ended ${count} other ${count === 1 ? 'session' : 'sessions'}.`);
    }
  }
}

/** AuthenticatedGuard has let only a signed-in request through. */
function userIdOf(req: Request): number {
  return (req.user as Express.User).id;
}
