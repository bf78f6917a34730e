import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { deviceOf, rememberedUntilOf } from '../../sessions/session-device';
import { rememberSession } from '../../sessions/session.middleware';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { FormError } from '../../web/form-error';
import { NewDeviceNotice } from './new-device-notice';
import { SignInLimiter } from './sign-in-limiter';
import { endSession, startSession } from './login-session';
import { sessionUserOf } from './session.serializer';
import { PasswordService } from './passwords/password.service';

export const WRONG_CURRENT_PASSWORD = 'Your current password is not correct.';

/** Shown only to whoever gave the account's right password: it tells nobody else it exists. */
export const ACCOUNT_DISABLED =
  'This account has been disabled. Please contact the people who run this site.';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly limiter: SignInLimiter,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    private readonly newDevice: NewDeviceNotice,
  ) {}

  /**
   * The account these credentials open, or null. Unknown email and wrong password take the same
   * path (one bcrypt comparison, the same limits), so neither answer nor timing tells them apart.
   */
  async validateCredentials(
    email: string,
    password: string,
    ip: string,
  ): Promise<Express.User | null> {
    await this.limiter.admit(email, ip);
    const user = await this.users.findByEmailWithPasswordHash(email);
    const matches = await this.passwords.verify(password, user?.passwordHash);
    if (!user || !matches) {
      // Not awaited: storing it for the account's activity page must not make a wrong password
      // for an existing account answer later than an unknown email.
      void this.audit.record('authn_login_fail', { email, userId: user?.id });
      return null;
    }
    if (user.disabledAt) {
      await this.audit.record('authn_login_fail', {
        userId: user.id,
        email,
        reason: 'account_disabled',
      });
      throw new FormError({ form: [ACCOUNT_DISABLED] }, HttpStatus.FORBIDDEN);
    }

    await this.upgradeHash(user, password);
    if (user.twoFactorEnabledAt) {
      // Half a sign-in: the limits are reset, and the success recorded, only after the second
      // factor (completeSignIn), so that the password cannot reset the count of wrong codes.
      return sessionUserOf(user);
    }
    await this.completeSignIn(user, ip);
    return sessionUserOf(user);
  }

  /**
   * The person proved who they are, with a password (and a second factor, when the account has
   * one): the limits' counts start again, and the success is recorded.
   */
  async completeSignIn(
    { id, email }: { id: number; email: string },
    ip: string,
    reason?: 'passkey',
  ): Promise<void> {
    await this.limiter.recordSuccess(email, ip);
    await this.audit.record('authn_login_success', {
      userId: id,
      email,
      ...(reason ? { reason } : {}),
    });
  }

  /**
   * Checks the current password that a settings form asks for. It counts as a sign-in attempt
   * with the account's address (the same limits, the same lockout); a wrong one is refused next
   * to the field.
   */
  async checkCurrentPassword(user: Express.User, password: unknown, ip: string): Promise<void> {
    await this.limiter.admit(user.email, ip);
    const stored = await this.users.findByIdWithPasswordHash(user.id);
    const matches = await this.passwords.verify(
      typeof password === 'string' ? password : '',
      stored?.passwordHash,
    );
    if (!stored || !matches) {
      await this.audit.record('authn_login_fail', {
        userId: user.id,
        email: user.email,
        reason: 'current_password',
      });
      throw new FormError({ currentPassword: [WRONG_CURRENT_PASSWORD] });
    }
    await this.limiter.recordSuccess(user.email, ip);
  }

  /** Re-hashes at the current BCRYPT_COST; a failure only postpones it to the next sign-in. */
  private async upgradeHash(user: User, password: string): Promise<void> {
    if (!this.passwords.needsRehash(user.passwordHash)) {
      return;
    }
    try {
      await this.users.updatePasswordHash(user.id, await this.passwords.hash(password));
    } catch (error) {
      this.logger.warn(`Could not upgrade a password hash: ${String(error)}`);
    }
  }

  /**
   * Starts the signed-in session under a new id, with a fresh CSRF token, and records when and
   * from where (its device, with the public handle that lists and ends it). With `remember`,
   * the session and its cookie last REMEMBER_DAYS, across browser restarts.
   */
  async startSession(
    req: Request,
    user: Express.User,
    { remember = false }: { remember?: boolean } = {},
  ): Promise<void> {
    await startSession(req, user);
    const now = Date.now();
    await this.newDevice.signingIn(user, req, new Date(now));
    req.session.signedInAt = now;
    req.session.device = deviceOf(req, now);
    if (remember) {
      rememberSession(req, now + this.config.sessionTimeouts.rememberMs);
    }
    await this.audit.record('session_created', { userId: user.id, remembered: remember });
  }

  /**
   * The same sign-in under a new session id (after a password change): when and where it
   * signed in, and "Remember me", are kept.
   */
  async renewSession(req: Request): Promise<void> {
    const { signedInAt, device } = req.session;
    const rememberedUntil = rememberedUntilOf(req.session);
    await startSession(req, req.user as Express.User);
    req.session.signedInAt = signedInAt;
    req.session.device = device;
    if (rememberedUntil !== null) {
      rememberSession(req, rememberedUntil);
    }
  }

  async endSession(req: Request): Promise<void> {
    const userId = req.user?.id;
    await endSession(req);
    if (userId !== undefined) {
      await this.audit.record('session_destroyed', { userId, reason: 'signed_out' });
    }
  }
}
