import type { MailRequest } from '../../infra/mail/mail.service';

/** A notice to the owner when a passkey is added or removed, which a thief would want unseen. */
export function passkeyMail(
  user: { username: string; email: string },
  change: 'added' | 'removed',
  name: string,
  at: Date,
  pageLink: string,
): MailRequest {
  const subject = change === 'added' ? 'A passkey was added' : 'A passkey was removed';
  return {
    to: user.email,
    subject,
    template: 'mail/notice',
    context: {
      heading: subject,
      paragraphs: [
        `The passkey “${name}” was ${change} ${change === 'added' ? 'to' : 'from'} your account ${user.username} (${at.toUTCString()}).${change === 'added' ? ' It signs in to your account without a password.' : ''}`,
        'If it was you, there is nothing more to do. If it was not, change your password at once and remove the passkeys you do not know.',
      ],
      action: { label: 'Open your passkeys', url: pageLink },
      note: 'You receive this mail because the passkeys of your account changed.',
    },
  };
}
