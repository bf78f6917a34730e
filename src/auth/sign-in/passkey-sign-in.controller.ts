import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseFilters,
} from '@nestjs/common';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { CookieOptions, Request, Response } from 'express';
import { AuditLog } from '../../observability/audit-log';
import { CounterStore } from '../../rate-limits/counter.store';
import { UsersService } from '../../users/users.service';
import { secureCookies } from '../../web/cookies';
import { JsonErrorFilter } from '../../web/json-routes';
import { safeRedirectPath } from '../../web/safe-redirect';
import { ACCOUNT_DISABLED, AuthService } from '../core/auth.service';
import { PasskeysService } from '../core/passkeys/passkeys.service';
import { sessionUserOf } from '../core/session.serializer';
import { SignInLimiter } from '../core/sign-in-limiter';

const OPTIONS_PATH = '/login/passkey/options';
const SIGN_IN_PATH = '/login/passkey';
/** The JSON routes of a passkey sign-in, for the body parser. */
export const PASSKEY_SIGN_IN_PATHS = [OPTIONS_PATH, SIGN_IN_PATH];

/**
 * A sign-in's challenge waits in a signed cookie, with the time it was made (a signed-out visitor
 * has no session); it is accepted within 5 minutes, once (a counter of the rate-limit store, on
 * every instance, remembers it for those 5 minutes).
 */
const CHALLENGE_COOKIE = 'passkey-challenge';
const CHALLENGE_MS = 5 * 60 * 1000;

export const PASSKEY_REFUSED =
  'This passkey was not accepted. Please try again, or use your password.';
const CHALLENGE_EXPIRED = 'This sign-in took too long. Please try again.';

/**
 * Signing in with a passkey, from the login page's script: the options (a challenge, kept in a
 * short-lived signed cookie and accepted once), then the browser's signed answer. A passkey
 * verifies its user, so it counts as both factors: the session starts at once, under a new id.
 */
@Controller()
@UseFilters(JsonErrorFilter)
export class PasskeySignInController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly limiter: SignInLimiter,
    private readonly counters: CounterStore,
    private readonly audit: AuditLog,
  ) {}

  @Post(OPTIONS_PATH.slice(1))
  @HttpCode(200)
  async options(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<object> {
    const options = await this.passkeys.authenticationOptions();
    // Signed with the time it was made: the cookie's own expiry is only the browser's word.
    res.cookie(CHALLENGE_COOKIE, `${options.challenge}.${Date.now()}`, challengeCookie(req));
    return options;
  }

  @Post(SIGN_IN_PATH.slice(1))
  @HttpCode(200)
  async signIn(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body() body: { response?: unknown; next?: unknown },
  ): Promise<{ redirect: string }> {
    if (req.isAuthenticated()) {
      throw new ConflictException('You are already signed in.');
    }
    const ip = req.ip ?? '';
    await this.limiter.admitFromNetwork(ip);
    const challenge = liveChallenge(
      (req.signedCookies as Record<string, unknown>)[CHALLENGE_COOKIE],
    );
    res.clearCookie(CHALLENGE_COOKIE, challengeCookie(req));
    if (challenge === undefined || !(await this.usedOnce(challenge))) {
      throw new BadRequestException(CHALLENGE_EXPIRED);
    }
    const response = body.response;
    const passkey =
      typeof response === 'object' && response !== null
        ? await this.passkeys.authenticate(response as AuthenticationResponseJSON, challenge)
        : null;
    const user = passkey ? await this.users.findById(passkey.userId) : null;
    if (!passkey || !user) {
      await this.audit.record('authn_login_fail', {
        userId: passkey?.userId,
        reason: 'passkey',
      });
      throw new UnauthorizedException(PASSKEY_REFUSED);
    }
    if (user.disabledAt) {
      await this.audit.record('authn_login_fail', { userId: user.id, reason: 'account_disabled' });
      throw new ForbiddenException(ACCOUNT_DISABLED);
    }
    await this.auth.completeSignIn(user, ip, 'passkey');
    await this.auth.startSession(req, sessionUserOf(user));
    return { redirect: safeRedirectPath(body.next) };
  }

  /** True the first time this challenge is answered (on any instance), false after. */
  private async usedOnce(challenge: string): Promise<boolean> {
    const { count } = await this.counters.hit(
      `passkey-challenge:${challenge}`,
      CHALLENGE_MS,
      'fixed',
    );
    return count === 1;
  }
}

/** The challenge of a signed cookie's `CHALLENGE.MADE_AT`, if it is less than 5 minutes old. */
function liveChallenge(value: unknown): string | undefined {
  const match = typeof value === 'string' ? /^([\w-]{16,128})\.(\d{13})$/.exec(value) : null;
  if (!match || Date.now() - Number(match[2]) > CHALLENGE_MS) {
    return undefined;
  }
  return match[1];
}

function challengeCookie(req: Request): CookieOptions {
  return {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    path: SIGN_IN_PATH,
    secure: secureCookies(req),
    maxAge: CHALLENGE_MS,
  };
}
