import type { Locator, Page } from 'playwright-core';
import type { Registration } from '../../helpers/forms';
import type { AppProcess } from './app-process';
import { navigate } from './browser-suite';
import { linkPath, mailTo } from './mailbox';

/** Where the links of an email change lead: to confirm it (new address), to undo it (old). */
export const CONFIRM_PATH = '/account/email/confirm';
export const UNDO_PATH = '/account/email/undo';

/** The account page's forms: the heading of each one's section, and its button. */
const SETTINGS_FORMS = {
  username: { heading: 'Change your username', button: 'Save the username' },
  email: { heading: 'Change your email address', button: 'Send the link' },
  password: { heading: 'Change your password', button: 'Change the password' },
  delete: { heading: 'Delete your account', button: 'Delete my account' },
};

export type SettingsForm = keyof typeof SETTINGS_FORMS;

/** The section of the account page that holds one of its forms. */
export function settingsForm(page: Page, form: SettingsForm): Locator {
  return page.getByRole('region', { name: SETTINGS_FORMS[form].heading, exact: true });
}

/**
 * On the account page, fills one form's fields (by their labels, within that form: several ask
 * for the current password) and presses its button; the status of the answer.
 */
export async function sendSettingsForm(
  page: Page,
  form: SettingsForm,
  fields: Record<string, string>,
): Promise<number> {
  const section = settingsForm(page, form);
  for (const [label, value] of Object.entries(fields)) {
    await section.getByLabel(label, { exact: true }).fill(value);
  }
  const button = section.getByRole('button', { name: SETTINGS_FORMS[form].button, exact: true });
  return navigate(page, () => button.click());
}

/** Opens the link to `path` of the next mail to `to` with `subject`; the page's status. */
export async function openMailedLink(
  page: Page,
  app: AppProcess,
  to: string,
  subject: string,
  path: string,
): Promise<number | undefined> {
  const mail = await mailTo(app, to, subject);
  return (await page.goto(linkPath(mail, path)))?.status();
}

/**
 * Signed in as `account`: asks on the account page to move it to `newEmail`, and opens the
 * link mailed there, on the page with the button that makes the change.
 */
export async function openConfirmEmailLink(
  page: Page,
  app: AppProcess,
  account: Registration,
  newEmail: string,
): Promise<void> {
  await page.goto('/account');
  await sendSettingsForm(page, 'email', {
    'New email address': newEmail,
    'Current password': account.password,
  });
  await openMailedLink(page, app, newEmail, 'Confirm your new email address', CONFIRM_PATH);
}
