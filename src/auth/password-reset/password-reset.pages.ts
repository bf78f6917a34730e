import type { PageDefinition } from '../../web/page';

export const FORGOT_PASSWORD_PAGE: PageDefinition = {
  view: 'password-reset/forgot-password',
  title: 'Forgot your password?',
  form: true,
  keep: ['email'],
};

export const RESET_PASSWORD_PAGE: PageDefinition = {
  view: 'password-reset/reset-password',
  title: 'Choose a new password',
  form: true,
  // The link's token, in its hidden field, so that the form can be sent again.
  keep: ['token'],
};

/** 400: the link is unknown, expired, used, or was made before a later password change. */
export const RESET_LINK_EXPIRED_PAGE: PageDefinition = {
  view: 'password-reset/link-expired',
  title: 'Link expired',
};
