import { Injectable } from '@nestjs/common';
import { MailService } from '../../infra/mail/mail.service';
import { resetLinkMail } from './password-mails';
import { TokenOwner, TokensService } from './tokens/tokens.service';

/**
 * Mails a password-reset link (a new single-use token, 30 minutes) to the user's address: when
 * the forgotten-password form asks, and unasked when an account may be in someone else's hands
 * ("This wasn't me", an undone email change).
 */
@Injectable()
export class ResetLinkMailer {
  constructor(
    private readonly tokens: TokensService,
    private readonly mail: MailService,
  ) {}

  async send(user: TokenOwner): Promise<void> {
    const token = await this.tokens.issue('password_reset', user.id);
    this.mail.send(resetLinkMail(user, this.mail.link('/reset-password', { token })));
  }
}
