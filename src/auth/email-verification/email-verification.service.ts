import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditLog } from '../../observability/audit-log';
import { UsersService } from '../../users/users.service';
import { PageException } from '../../web/page.exception';
import { TokenOwner, TokensService } from '../core/tokens/tokens.service';
import { VerificationMailer, VerificationMailResult } from '../core/verification-mailer';
import { VERIFY_LINK_EXPIRED_PAGE } from './email-verification.pages';

/** What asking for a new link came to. */
export type ResendResult = VerificationMailResult | { alreadyVerified: true };

@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly mailer: VerificationMailer,
    private readonly audit: AuditLog,
  ) {}

  /** The owner of a verification token that would be accepted; else the 400 page. */
  async check(token: unknown): Promise<TokenOwner> {
    const owner = await this.tokens.find('email_verification', token);
    if (!owner) {
      throw new PageException(VERIFY_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
    return owner;
  }

  /** Uses the token and marks its owner's address verified. */
  async verify(token: string): Promise<void> {
    const owner = await this.tokens.use('email_verification', token);
    if (!owner) {
      throw new PageException(VERIFY_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
    if (await this.users.markEmailVerified(owner.id, owner.email)) {
      await this.audit.record('user_updated', { userId: owner.id, reason: 'email_verified' });
    }
  }

  /** A new link for a signed-in user whose address is not verified yet. */
  async resend(user: Express.User): Promise<ResendResult> {
    if (user.emailVerified) {
      return { alreadyVerified: true };
    }
    return this.mailer.send(user);
  }
}
