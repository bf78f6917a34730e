import type { MailRequest } from '../../infra/mail/mail.service';
import { TOKEN_LIFETIME_MS, TokenOwner } from './tokens/tokens.service';

const LINK_MINUTES = TOKEN_LIFETIME_MS.password_reset / 60_000;

/** The reset link, to the address it was asked for: its only secret is the link itself. */
export function resetLinkMail(user: TokenOwner, link: string): MailRequest {
  return {
    to: user.email,
    subject: 'Reset your password',
    template: 'mail/notice',
    context: {
      heading: 'Reset your password',
      paragraphs: [
        `Someone, hopefully you, asked to reset the password of the account ${user.username}, which uses this address. To choose a new password, open the link below: it works once, within ${LINK_MINUTES} minutes.`,
        'If you did not ask, ignore this mail: your password stays as it is, and nobody can use the link without this mailbox.',
      ],
      action: { label: 'Choose a new password', url: link },
      note: 'You receive this mail because a password reset was asked for this address.',
    },
  };
}

/** How a new password was set: with a mailed reset link, or in the account settings. */
export type PasswordChangedBy = 'reset' | 'settings';

const CHANGED_BY: Record<PasswordChangedBy, string> = {
  reset:
    'with a reset link sent to this address. Every device that was signed in to the account has been signed out.',
  settings:
    'in the account settings. Every other device that was signed in to the account has been signed out.',
};

/** Sent once a new password is set, so that an owner who did not set it finds out. */
export function passwordChangedMail(
  user: TokenOwner,
  at: Date,
  forgotLink: string,
  by: PasswordChangedBy,
): MailRequest {
  return {
    to: user.email,
    subject: 'Your password was changed',
    template: 'mail/notice',
    context: {
      heading: 'Your password was changed',
      paragraphs: [
        `The password of your account ${user.username} was changed on ${at.toUTCString()} ${CHANGED_BY[by]}`,
        'If it was you, there is nothing more to do.',
        'If it was not you, choose a new password at once with the button below, and make sure nobody else can read this mailbox.',
      ],
      action: { label: 'Reset your password', url: forgotLink },
      note: 'You receive this mail because the password of your account was changed.',
    },
  };
}
