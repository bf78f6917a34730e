import type { PageDefinition } from '../../web/page';

/** The settings: the account at a glance, and a form for each thing that can change. */
export const ACCOUNT_PAGE: PageDefinition = {
  view: 'account/settings',
  title: 'Account',
  // Kept after an error: the names and addresses typed, never a password.
  keep: ['username', 'email'],
};

/** What the link to a new address opens: one button, so that opening it changes nothing. */
export const CONFIRM_EMAIL_PAGE: PageDefinition = {
  view: 'account/confirm-email',
  title: 'Confirm your new email address',
  form: true,
};

/** What the link to the old address opens: one button that undoes the change. */
export const UNDO_EMAIL_PAGE: PageDefinition = {
  view: 'account/undo-email',
  title: 'Undo the email change',
  form: true,
};

/** 400: the link is unknown, expired, used, or the account's address has changed since. */
export const EMAIL_LINK_EXPIRED_PAGE: PageDefinition = {
  view: 'account/email-link-expired',
  title: 'Link expired',
};

/** 409: between the link and the button, another account took the address. */
export const EMAIL_TAKEN_PAGE: PageDefinition = {
  view: 'account/email-taken',
  title: 'Address taken',
};
