import type { MailRequest } from '../../infra/mail/mail.service';
import { TOKEN_LIFETIME_MS } from '../../auth/core/tokens/tokens.service';

const HOUR = 60 * 60 * 1000;

/** How long the two links of an email change work, as the mails and the settings page say. */
export const EMAIL_CHANGE_TERMS = {
  confirmHours: TOKEN_LIFETIME_MS.email_change / HOUR,
  undoDays: TOKEN_LIFETIME_MS.email_change_undo / (24 * HOUR),
};
const { confirmHours: CONFIRM_HOURS, undoDays: UNDO_DAYS } = EMAIL_CHANGE_TERMS;

interface Account {
  username: string;
  email: string;
}

/** To the new address: the link that makes the change. */
export function confirmNewEmailMail(user: Account, newEmail: string, link: string): MailRequest {
  return {
    to: newEmail,
    subject: 'Confirm your new email address',
    template: 'mail/notice',
    context: {
      heading: 'Confirm your new email address',
      paragraphs: [
        `The account ${user.username} asked to use this address from now on. To make the change, open the link below and press the button on the page it opens. The link works once, within ${CONFIRM_HOURS} hours.`,
        'If you did not ask, ignore this mail: nothing changes without the button.',
      ],
      action: { label: 'Use this address', url: link },
      note: 'You receive this mail because an account asked to move to this address.',
    },
  };
}

/** To the current address, when a change is asked: nothing has changed yet. */
export function emailChangeAskedMail(
  user: Account,
  newEmail: string,
  settingsLink: string,
): MailRequest {
  return {
    to: user.email,
    subject: 'Your email address is about to change',
    template: 'mail/notice',
    context: {
      heading: 'Your email address is about to change',
      paragraphs: [
        `Someone signed in to your account ${user.username} asked to move it to ${newEmail}. Nothing changes until that address confirms it.`,
        'If it was not you, someone knows your password: sign in and change it now. If the change goes through, this address receives a link that undoes it.',
      ],
      action: { label: 'Open your account settings', url: settingsLink },
      note: 'You receive this mail because a change of your account’s address was asked for.',
    },
  };
}

/** To the old address, once the change is made: a link that undoes it. */
export function emailChangedMail(
  user: Account,
  oldEmail: string,
  at: Date,
  undoLink: string,
): MailRequest {
  return {
    to: oldEmail,
    subject: 'Your email address was changed',
    template: 'mail/notice',
    context: {
      heading: 'Your email address was changed',
      paragraphs: [
        `The account ${user.username} uses ${user.email} instead of this address since ${at.toUTCString()}.`,
        'If it was you, there is nothing more to do.',
        `If it was not you, the button below puts this address back and signs every device out of the account. It works once, within ${UNDO_DAYS} days.`,
      ],
      action: { label: 'Undo the change', url: undoLink },
      note: 'You receive this mail because this address was the address of the account.',
    },
  };
}

/** Once the account and everything of it are deleted. */
export function goodbyeMail(user: Account, at: Date): MailRequest {
  return {
    to: user.email,
    subject: 'Your account was deleted',
    template: 'mail/notice',
    context: {
      heading: 'Your account was deleted',
      paragraphs: [
        `The account ${user.username} was deleted on ${at.toUTCString()}, with its sessions and its activity. We keep nothing of it.`,
        'If you did not delete it, someone knew your password: the account cannot be brought back, but you can make a new one with this address.',
      ],
      note: 'You receive this mail because this address was the address of the account.',
    },
  };
}
