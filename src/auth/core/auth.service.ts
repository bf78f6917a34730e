import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { deviceOf } from '../../sessions/session-device';
import { rememberSession } from '../../sessions/session.middleware';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { SignInLimiter } from './sign-in-limiter';
import { endSession, startSession } from './login-session';
import { sessionUserOf } from './session.serializer';
import { PasswordService } from './passwords/password.service';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly limiter: SignInLimiter,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
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
      this.audit.record('authn_login_fail', { email, userId: user?.id });
      return null;
    }

    await this.limiter.recordSuccess(email, ip);
    await this.upgradeHash(user, password);
    this.audit.record('authn_login_success', { userId: user.id, email });
    return sessionUserOf(user);
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
    req.session.signedInAt = now;
    req.session.device = deviceOf(req, now);
    if (remember) {
      rememberSession(req, now + this.config.sessionTimeouts.rememberMs);
    }
    this.audit.record('session_created', { userId: user.id, remembered: remember });
  }

  async endSession(req: Request): Promise<void> {
    const userId = req.user?.id;
    await endSession(req);
    if (userId !== undefined) {
      this.audit.record('session_destroyed', { userId });
    }
  }
}
