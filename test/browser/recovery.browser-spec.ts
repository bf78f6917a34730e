import type { Page } from 'playwright-core';
import {
  logInThroughPage,
  openResetFormFromMail,
  registerThroughPage,
  submitButton,
} from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';
import { focusOf } from './helpers/checks';
import { linkPath, mailTo } from './helpers/mailbox';

const LINK_SENT = 'If an account uses that address, we have sent it a link to reset the password.';
const NEW_PASSWORD = 'a-fresh-passphrase-42';

describe('Forgotten passwords and email verification, in the browser', () => {
  const sut = useBrowserSuite();

  const alertText = () => sut.page.getByRole('alert').innerText();
  const heading = () => sut.page.getByRole('heading', { level: 1 }).innerText();
  const notice = (page: Page) =>
    page.getByRole('region', { name: 'Please confirm your email address' });

  it('forgot → mail → reset → signed out everywhere → signs in with the new password', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    const elsewhere = await sut.newPage();
    await elsewhere.goto('/login');
    expect(await logInThroughPage(elsewhere, account.email, account.password)).toBe(200);

    await navigate(page, () => page.getByRole('link', { name: 'Forgot your password?' }).click());
    expect(pathOf(page)).toBe('/forgot-password');
    expect(await heading()).toBe('Forgot your password?');
    await page.getByLabel('Email address').fill(account.email);
    expect(await navigate(page, () => submitButton(page, 'Send the link').click())).toBe(200);
    expect(pathOf(page)).toBe('/login');
    expect(await alertText()).toBe(LINK_SENT);

    const mail = await mailTo(sut.app, account.email, 'Reset your password');
    expect((await page.goto(linkPath(mail, '/reset-password')))?.status()).toBe(200);
    // The token left the address bar (and the history) at once.
    expect(page.url()).toBe(`${sut.app.url}/reset-password`);
    expect(await heading()).toBe('Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password', { exact: true }).fill(NEW_PASSWORD);
    expect(await navigate(page, () => submitButton(page, 'Save the new password').click())).toBe(
      200,
    );
    expect(pathOf(page)).toBe('/login');
    expect(await alertText()).toBe('Your password has been changed. You can now log in with it.');

    // The other browser was signed out by the reset.
    await elsewhere.goto('/');
    expect(pathOf(elsewhere)).toBe('/login');
    await mailTo(sut.app, account.email, 'Your password was changed');

    // The link is used up: following it again gets the page that offers a new one.
    expect((await page.goto(linkPath(mail, '/reset-password')))?.status()).toBe(400);
    expect(await heading()).toBe('This link has expired or was already used');
    await navigate(page, () => page.getByRole('link', { name: 'Ask for a new link' }).click());
    expect(pathOf(page)).toBe('/forgot-password');

    await page.goto('/login');
    expect(await logInThroughPage(page, account.email, account.password)).toBe(401);
    expect(await logInThroughPage(page, account.email, NEW_PASSWORD)).toBe(200);
    expect(await heading()).toBe(`Hello, ${account.username}!`);
  });

  it('a refused new password: the message by its field, and the link still works', async () => {
    const { page } = sut;
    const account = await openResetFormFromMail(page, sut.app);

    await page.getByLabel('New password', { exact: true }).fill(account.email);
    await page.getByLabel('Confirm new password', { exact: true }).fill(account.email);
    expect(await navigate(page, () => submitButton(page, 'Save the new password').click())).toBe(
      422,
    );
    expect(await page.locator('#password-errors').innerText()).toBe(
      'Password must not be your username or email address',
    );
    // The script puts the focus on the field to fix.
    expect((await focusOf(page)).element).toBe('#password');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password', { exact: true }).fill(NEW_PASSWORD);
    expect(await navigate(page, () => submitButton(page, 'Save the new password').click())).toBe(
      200,
    );
    expect(await alertText()).toBe('Your password has been changed. You can now log in with it.');
  });

  it('register → the notice → the mailed link → one button → verified, and the notice is gone', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(await notice(page).innerText()).toContain(`We sent a link to ${account.email}`);

    // Asking again at once: the registration's mail went less than a minute ago.
    await navigate(page, () =>
      notice(page).getByRole('button', { name: 'Send the link again' }).click(),
    );
    expect(pathOf(page)).toBe('/');
    expect(await alertText()).toMatch(/^We sent you a link less than a minute ago/);

    const mail = await mailTo(sut.app, account.email, 'Confirm your email address');
    await page.goto(linkPath(mail, '/verify-email'));
    expect(await heading()).toBe('Confirm your email address');
    expect(await notice(page).count()).toBe(0);
    expect(await navigate(page, () => submitButton(page, 'Confirm my address').click())).toBe(200);

    expect(pathOf(page)).toBe('/');
    expect(await alertText()).toBe('Thank you: your email address is confirmed.');
    expect(await notice(page).count()).toBe(0);
    expect(await heading()).toBe(`Hello, ${account.username}!`);
  });

  it('the new forms work with the keyboard alone', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);

    await page.goto('/forgot-password');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focusOf(page)).toEqual({ element: '#email', visible: true });
    await page.keyboard.type(account.email);
    expect(await navigate(page, () => page.keyboard.press('Enter'))).toBe(200);
    expect(pathOf(page)).toBe('/login');

    const mail = await mailTo(sut.app, account.email, 'Reset your password');
    await page.goto(linkPath(mail, '/reset-password'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focusOf(page)).toEqual({ element: '#password', visible: true });
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    expect(await focusOf(page)).toEqual({ element: 'button "Show new password"', visible: true });
    await page.keyboard.press('Tab');
    expect(await focusOf(page)).toEqual({ element: '#confirmPassword', visible: true });
    await page.keyboard.type(NEW_PASSWORD);
    expect(await navigate(page, () => page.keyboard.press('Enter'))).toBe(200);
    expect(await alertText()).toBe('Your password has been changed. You can now log in with it.');
  });
});
