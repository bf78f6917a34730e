import { HttpStatus, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { MailService } from '../../infra/mail/mail.service';
import { AuditLog } from '../../observability/audit-log';
import { SessionsService } from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';
import { FormError } from '../../web/form-error';
import { PageException } from '../../web/page.exception';
import { isPersonalPassword, PERSONAL_PASSWORD } from '../core/passwords/password-rules';
import { PasswordService } from '../core/passwords/password.service';
import { TokenOwner, TokensService } from '../core/tokens/tokens.service';
import { passwordChangedMail } from '../core/password-mails';
import { ResetLinkMailer } from '../core/reset-link-mailer';
import { RESET_LINK_EXPIRED_PAGE } from './password-reset.pages';
import { ResetRequestLimiter } from './reset-request-limiter';

@Injectable()
export class PasswordResetService implements OnModuleDestroy {
  private readonly logger = new Logger(PasswordResetService.name);
  /** Reset requests answered, whose lookup, token and mail are still running. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly limiter: ResetRequestLimiter,
    private readonly resetLinks: ResetLinkMailer,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A reset link for `email`, when it has an account. The limits are counted alike for every
   * address; everything that depends on whether the address has an account (the lookup, the
   * token, the mail) runs only once this returns and the answer has been sent, so that neither
   * the answer nor its timing tells.
   */
  async request(email: string, ip: string): Promise<void> {
    await this.limiter.admit(email, ip);
    const job: Promise<void> = new Promise((resolve) => setImmediate(resolve))
      .then(() => this.sendResetLink(email))
      .catch((error: unknown) =>
        this.logger.error(`A reset link could not be made: ${(error as Error).message}`),
      )
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** The owner of a reset token that would be accepted; else the 400 "link expired" page. */
  async check(token: unknown): Promise<TokenOwner> {
    const owner = await this.tokens.find('password_reset', token);
    if (!owner) {
      throw new PageException(RESET_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
    return owner;
  }

  /**
   * Sets the new password with a reset token, which it uses up, and ends every session of the
   * user: whoever was signed in (perhaps the person the reset locks out) is signed out.
   */
  async resetPassword(token: string, password: string): Promise<void> {
    const owner = await this.check(token);
    if (isPersonalPassword(password, owner)) {
      throw new FormError({ password: [PERSONAL_PASSWORD] });
    }
    const passwordHash = await this.passwords.hash(password);
    // Used only now, after the slow hash: of two forms sent with one token, one wins.
    if (!(await this.tokens.use('password_reset', token))) {
      throw new PageException(RESET_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
    await this.users.changePassword(owner.id, passwordHash);
    await this.sessions.endAll(owner.id, 'password_reset');
    await this.audit.record('authn_password_change', {
      userId: owner.id,
      reason: 'password_reset',
    });
    this.mail.send(
      passwordChangedMail(owner, new Date(), this.mail.link('/forgot-password'), 'reset'),
    );
  }

  /** Before the database closes: the requests already answered get their mail. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async sendResetLink(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user) {
      await this.resetLinks.send(user);
    }
  }
}
