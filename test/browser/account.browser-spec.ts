import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { runAccountCli } from '../helpers/account-cli';
import type { Registration } from '../helpers/forms';
import {
  CONFIRM_PATH,
  openMailedLink,
  sendSettingsForm,
  settingsForm,
  UNDO_PATH,
} from './helpers/account-pages';
import {
  logInThroughPage,
  registerAndLogIn,
  registerThroughPage,
  submitButton,
} from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';
import { focusOf } from './helpers/checks';
import { press, skipToContent } from './helpers/keyboard';
import { mailTo } from './helpers/mailbox';

const NEW_PASSWORD = 'a-brand-new-passphrase-7';
const WRONG_CURRENT = 'Your current password is not correct.';

describe('The account settings and security activity, in the browser', () => {
  const sut = useBrowserSuite();

  const alertText = (page: Page) => page.getByRole('alert').innerText();
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();
  const topBar = (page: Page) => page.getByRole('banner').innerText();
  /** What the account page's overview shows for `term`, such as 'Email address'. */
  const shown = (page: Page, term: string) =>
    page.locator(`dt:text-is("${term}") + dd`).innerText();

  /** `account` signed in on a page of its own (another browser), on the home page. */
  async function signedInElsewhere(account: Registration): Promise<Page> {
    const other = await sut.newPage();
    await other.goto('/login');
    expect(await logInThroughPage(other, account.email, account.password)).toBe(200);
    return other;
  }

  /** Whether the browser of `page` is still signed in: its next page is not the login page. */
  async function signedIn(page: Page): Promise<boolean> {
    await page.goto('/');
    return pathOf(page) === '/';
  }

  /** A fresh sign-in, in a browser of its own; the status of the answer. */
  async function freshSignIn(email: string, password: string): Promise<number> {
    const fresh = await sut.newPage();
    await fresh.goto('/login');
    return logInThroughPage(fresh, email, password);
  }

  it('changes the username from the settings page; the top bar shows the new name', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);
    const newName = `${account.username}.renamed`;

    await navigate(page, () =>
      page.getByRole('banner').getByRole('link', { name: 'Account', exact: true }).click(),
    );
    expect(pathOf(page)).toBe('/account');
    expect(await heading(page)).toBe('Account settings');
    const field = settingsForm(page, 'username').getByLabel('New username');
    expect(await field.inputValue()).toBe(account.username);

    expect(await sendSettingsForm(page, 'username', { 'New username': newName })).toBe(200);

    expect(pathOf(page)).toBe('/account');
    expect(await alertText(page)).toBe(`Your username is now ${newName}.`);
    expect(await topBar(page)).toContain(`Signed in as ${newName}`);
    expect(await shown(page, 'Username')).toBe(newName);
    expect(await field.inputValue()).toBe(newName);
    await page.goto('/');
    expect(await heading(page)).toBe(`Hello, ${newName}!`);
  });

  it('changes the email through the link to the new address, and the old address undoes it', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);
    const newEmail = `new.${account.email}`;

    await page.goto('/account');
    expect(
      await sendSettingsForm(page, 'email', {
        'New email address': newEmail,
        'Current password': account.password,
      }),
    ).toBe(200);
    expect(pathOf(page)).toBe('/account');
    expect(await alertText(page)).toBe(
      `We have sent a link to ${newEmail}. Your address changes when you open it (within 24 hours) and press its button.`,
    );
    // Nothing has changed yet; the current address is told.
    expect(await shown(page, 'Email address')).toContain(account.email);
    await mailTo(sut.app, account.email, 'Your email address is about to change');

    expect(
      await openMailedLink(page, sut.app, newEmail, 'Confirm your new email address', CONFIRM_PATH),
    ).toBe(200);
    expect(await heading(page)).toBe('Confirm your new email address');
    expect(await page.getByRole('main').innerText()).toContain(newEmail);
    expect(await navigate(page, () => submitButton(page, 'Use this address').click())).toBe(200);

    expect(pathOf(page)).toBe('/account');
    expect(await alertText(page)).toBe(`Your account now uses ${newEmail}.`);
    expect(await shown(page, 'Email address')).toBe(`${newEmail} Confirmed`);

    // The old address's mail undoes it: every session ends, this one too.
    expect(
      await openMailedLink(
        page,
        sut.app,
        account.email,
        'Your email address was changed',
        UNDO_PATH,
      ),
    ).toBe(200);
    expect(await heading(page)).toBe('Undo the email change');
    expect(await navigate(page, () => submitButton(page, 'Undo the change').click())).toBe(200);

    expect(pathOf(page)).toBe('/login');
    expect(await alertText(page)).toBe(
      `Your account uses ${account.email} again, and every device has been signed out of it. Whoever changed the address knew your password: we have sent ${account.email} a link to choose a new one. Please do it now.`,
    );
    await mailTo(sut.app, account.email, 'Reset your password');
    expect(await signedIn(page)).toBe(false);

    await page.goto('/login');
    expect(await logInThroughPage(page, newEmail, account.password)).toBe(401);
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(await heading(page)).toBe(`Hello, ${account.username}!`);
  });

  it('changes the password: another browser is signed out, this one stays, the new one works', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);
    const other = await signedInElsewhere(account);

    await page.goto('/account');
    expect(
      await sendSettingsForm(page, 'password', {
        'Current password': account.password,
        'New password': NEW_PASSWORD,
        'Confirm new password': NEW_PASSWORD,
      }),
    ).toBe(200);
    expect(pathOf(page)).toBe('/account');
    expect(await alertText(page)).toBe(
      'Your password has been changed. Every other device has been signed out.',
    );
    expect(await shown(page, 'Password')).toMatch(/^Last changed /);
    await mailTo(sut.app, account.email, 'Your password was changed');

    await other.goto('/');
    expect(pathOf(other)).toBe('/login');
    expect(await alertText(other)).toBe('Please log in to access this page.');
    await page.goto('/');
    expect(await heading(page)).toBe(`Hello, ${account.username}!`);

    expect(await freshSignIn(account.email, account.password)).toBe(401);
    expect(await freshSignIn(account.email, NEW_PASSWORD)).toBe(200);
  });

  it('lists the sign-ins and failures newest first; "This wasn’t me" signs out everywhere', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    expect(await logInThroughPage(page, account.email, 'not-the-password')).toBe(401);
    const other = await signedInElsewhere(account);
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);

    await navigate(page, () =>
      page.getByRole('link', { name: 'See your account’s security activity' }).click(),
    );
    expect(pathOf(page)).toBe('/account/activity');
    expect(await heading(page)).toBe('Security activity');
    const events = await page.getByRole('listitem').allInnerTexts();
    expect(events.map((event) => event.split('\n')[0])).toEqual([
      'Signed in',
      'Signed in',
      'Failed sign-in: wrong password',
      'Account created',
    ]);

    expect(await navigate(page, () => submitButton(page, 'This wasn’t me').click())).toBe(200);

    expect(pathOf(page)).toBe('/login');
    expect(await alertText(page)).toBe(
      `Every device has been signed out of your account, this one too. We have sent ${account.email} a link to choose a new password: please do it now.`,
    );
    await mailTo(sut.app, account.email, 'Reset your password');
    expect(await signedIn(page)).toBe(false);
    expect(await signedIn(other)).toBe(false);
  });

  it('deletes the account with the current password; signing in again fails', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);
    await page.goto('/account');

    // A wrong password: the message by the field, and the account stays.
    expect(await sendSettingsForm(page, 'delete', { 'Current password': 'not-the-password' })).toBe(
      422,
    );
    expect(await page.locator('#delete-currentPassword-errors').innerText()).toBe(WRONG_CURRENT);
    expect((await focusOf(page)).element).toBe('#delete-currentPassword');
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(1);

    expect(await sendSettingsForm(page, 'delete', { 'Current password': account.password })).toBe(
      200,
    );
    expect(pathOf(page)).toBe('/login');
    expect(await alertText(page)).toBe('Your account has been deleted.');
    await mailTo(sut.app, account.email, 'Your account was deleted');
    expect(await signedIn(page)).toBe(false);

    await page.goto('/login');
    expect(await logInThroughPage(page, account.email, account.password)).toBe(401);
    expect(await alertText(page)).toBe('Invalid email or password.');
  });

  it('changes the username with the keyboard alone: Tab to the field, type, Enter', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);
    const newName = `${account.username}.keys`;
    await page.goto('/account');

    await skipToContent(page);
    await press(page, 'Tab', 'button "Send the link again"');
    await press(page, 'Tab', 'a "Turn on two-factor sign-in"');
    await press(page, 'Tab', 'a "Passkeys"');
    await press(page, 'Tab', 'a "Sessions"');
    await press(page, 'Tab', 'a "Security activity"');
    await press(page, 'Tab', '#username');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(newName);
    expect(await navigate(page, () => page.keyboard.press('Enter'))).toBe(200);

    expect(pathOf(page)).toBe('/account');
    expect(await alertText(page)).toBe(`Your username is now ${newName}.`);
    expect(await topBar(page)).toContain(`Signed in as ${newName}`);
  });

  it('an operator disables the account from the command line: the open browser is signed out, and signing in says why', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);
    const elsewhere = await signedInElsewhere(account);

    const run = await runAccountCli(
      ['disable', account.email],
      { DATABASE_URL: `sqlite:${sut.app.databasePath}` },
      { cwd: dirname(sut.app.databasePath), built: true },
    );

    expect(run.code).toBe(0);
    expect(await signedIn(page)).toBe(false);
    expect(await signedIn(elsewhere)).toBe(false);
    expect(pathOf(page)).toBe('/login');
    expect(await logInThroughPage(page, account.email, account.password)).toBe(403);
    expect(await alertText(page)).toBe(
      'This account has been disabled. Please contact the people who run this site.',
    );
    expect(await heading(page)).toBe('Log in');
  });
});
