import { Injectable } from '@nestjs/common';
import { MailService } from '../../infra/mail/mail.service';
import { CounterStore } from '../../rate-limits/counter.store';
import { TOKEN_LIFETIME_MS, TokensService } from './tokens/tokens.service';

const MINUTE = 60 * 1000;
const LINK_HOURS = TOKEN_LIFETIME_MS.email_verification / (60 * MINUTE);

/** The user a verification link is for. */
export interface VerificationRecipient {
  id: number;
  username: string;
  email: string;
}

/** Whether a link was sent; when not, when the next one may be. */
export type VerificationMailResult = { sent: true } | { sent: false; retryAt: number };

/**
 * Mails a link that verifies the user's address (a new single-use token, 24 hours): at
 * registration, and again when the person asks. At most one a minute per user, whoever asks, so
 * that the button cannot fill a mailbox.
 */
@Injectable()
export class VerificationMailer {
  constructor(
    private readonly tokens: TokensService,
    private readonly mail: MailService,
    private readonly counters: CounterStore,
  ) {}

  async send(user: VerificationRecipient): Promise<VerificationMailResult> {
    const recent = await this.counters.hit(`verify-mail:${user.id}`, MINUTE, 'fixed');
    if (recent.count > 1) {
      return { sent: false, retryAt: recent.resetAt };
    }
    const token = await this.tokens.issue('email_verification', user.id);
    const link = this.mail.link('/verify-email', { token });
    this.mail.send({
      to: user.email,
      subject: 'Confirm your email address',
      template: 'mail/notice',
      context: {
        heading: 'Confirm your email address',
        paragraphs: [
          `Welcome, ${user.username}. Please confirm that this address is yours: open the link below and press the button on the page it opens. The link works once, within ${LINK_HOURS} hours.`,
          'A confirmed address is how you get back into your account if you forget your password.',
          'If you did not make an account with this address, ignore this mail: nothing is confirmed without the button.',
        ],
        action: { label: 'Confirm my address', url: link },
        note: 'You receive this mail because an account was made, or a new link was asked for, with this address.',
      },
    });
    return { sent: true };
  }
}
