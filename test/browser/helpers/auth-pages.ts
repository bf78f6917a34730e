import type { Page } from 'playwright-core';
import { aRegistration, Registration } from '../../helpers/forms';
import type { AppProcess } from './app-process';
import { navigate, pathOf } from './browser-suite';
import { linkPath, mailTo } from './mailbox';

const REGISTRATION_LABELS: Record<keyof Registration, string> = {
  username: 'Username',
  email: 'Email address',
  password: 'Password',
  confirmPassword: 'Confirm password',
};

/** Types into the registration form the fields given, found by their labels. */
export async function fillRegistration(page: Page, fields: Partial<Registration>): Promise<void> {
  for (const [field, label] of Object.entries(REGISTRATION_LABELS)) {
    const value = fields[field as keyof Registration];
    if (value !== undefined) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
  }
}

/** Creates an account through the registration page; ends on the login page. */
export async function registerThroughPage(
  page: Page,
  registration = aRegistration(),
): Promise<Registration> {
  await page.goto('/register');
  await fillRegistration(page, registration);
  const status = await navigate(page, () => submitButton(page, 'Create account').click());
  if (status !== 200 || pathOf(page) !== '/login') {
    throw new Error(`Registration ended on ${page.url()} with ${status}`);
  }
  return registration;
}

/** A new account, signed in through the registration and login pages; ends on the home page. */
export async function registerAndLogIn(page: Page): Promise<Registration> {
  const account = await registerThroughPage(page);
  const status = await logInThroughPage(page, account.email, account.password);
  if (status !== 200 || pathOf(page) !== '/') {
    throw new Error(`Signing in ended on ${page.url()} with ${status}`);
  }
  return account;
}

/** Fills and sends the login form of the page the browser is on; the status of the answer. */
export async function logInThroughPage(page: Page, email: string, password: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  return navigate(page, () => submitButton(page, 'Log in').click());
}

export function submitButton(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}

/** Asks for a reset link for `email` on the forgotten-password page; the status of the answer. */
export async function askForResetLink(page: Page, email: string): Promise<number> {
  await page.goto('/forgot-password');
  await page.getByLabel('Email address').fill(email);
  return navigate(page, () => submitButton(page, 'Send the link').click());
}

/** A new account, and its reset form opened from the link of the mail it asked for. */
export async function openResetFormFromMail(page: Page, app: AppProcess): Promise<Registration> {
  const account = await registerThroughPage(page);
  await askForResetLink(page, account.email);
  const mail = await mailTo(app, account.email, 'Reset your password');
  await page.goto(linkPath(mail, '/reset-password'));
  return account;
}

/** The page's main heading. */
export function headingOf(page: Page): Promise<string> {
  return page.getByRole('heading', { level: 1 }).innerText();
}

/** Signs out with the top bar's button; the status of the login page it ends on. */
export function signOutThroughMenu(page: Page): Promise<number> {
  return navigate(page, () =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out' }).click(),
  );
}
