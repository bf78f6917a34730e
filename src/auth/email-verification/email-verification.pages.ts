import type { PageDefinition } from '../../web/page';

/** The page a mailed link opens: one button, so that opening the link confirms nothing. */
export const VERIFY_EMAIL_PAGE: PageDefinition = {
  view: 'email-verification/verify-email',
  title: 'Confirm your email address',
  form: true,
};

/** 400: the link is unknown, expired, used, or for an address the account no longer has. */
export const VERIFY_LINK_EXPIRED_PAGE: PageDefinition = {
  view: 'email-verification/link-expired',
  title: 'Link expired',
};
