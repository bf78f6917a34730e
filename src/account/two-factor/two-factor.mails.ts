import type { MailRequest } from '../../infra/mail/mail.service';

/** What changed in the two-factor sign-in of an account. */
export type TwoFactorChange = 'enabled' | 'disabled' | 'recovery_codes';

const WORDS: Record<TwoFactorChange, { subject: string; what: string }> = {
  enabled: {
    subject: 'Two-factor sign-in is on',
    what: 'was turned on: signing in now asks for a code from the authenticator app after the password',
  },
  disabled: {
    subject: 'Two-factor sign-in is off',
    what: 'was turned off: signing in asks for the password alone',
  },
  recovery_codes: {
    subject: 'New recovery codes',
    what: 'got 10 new recovery codes; the old ones no longer work',
  },
};

/** A notice to the owner of each change, so that one they did not make does not go unseen. */
export function twoFactorMail(
  user: { username: string; email: string },
  change: TwoFactorChange,
  at: Date,
  settingsLink: string,
): MailRequest {
  const { subject, what } = WORDS[change];
  return {
    to: user.email,
    subject,
    template: 'mail/notice',
    context: {
      heading: subject,
      paragraphs: [
        `The two-factor sign-in of your account ${user.username} ${what} (${at.toUTCString()}).`,
        'If it was you, there is nothing more to do. If it was not, someone knows your password: change it at once, and check the security activity of your account.',
      ],
      action: { label: 'Open your two-factor settings', url: settingsLink },
      note: 'You receive this mail because the two-factor sign-in of your account changed.',
    },
  };
}
