import { aRegistration } from '../helpers/forms';
import { fillRegistration, logInThroughPage, submitButton } from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';
import { skipToContent } from './helpers/keyboard';

describe('With JavaScript off', () => {
  const sut = useBrowserSuite({ javaScriptEnabled: false });

  it('registers (after a refused try), signs in and out; nothing needs the script', async () => {
    const { page } = sut;
    const account = aRegistration();

    await page.goto('/register');
    expect(await page.getByRole('button', { name: /^Show/ }).count()).toBe(0);
    await fillRegistration(page, { ...account, confirmPassword: 'something-else' });
    expect(await navigate(page, () => submitButton(page, 'Create account').click())).toBe(422);
    expect(await page.locator('#confirmPassword-errors').innerText()).toBe('Passwords must match!');
    expect(await page.getByLabel('Username').inputValue()).toBe(account.username);

    await fillRegistration(page, { password: account.password, confirmPassword: account.password });
    expect(await navigate(page, () => submitButton(page, 'Create account').click())).toBe(200);
    expect(pathOf(page)).toBe('/login');
    expect(await page.getByRole('alert').innerText()).toBe('Account created. You can now log in.');
    expect(await page.getByRole('button', { name: 'Dismiss message' }).count()).toBe(0);

    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      `Hello, ${account.username}!`,
    );

    await navigate(page, () =>
      page.getByRole('main').getByRole('button', { name: 'Log out' }).click(),
    );
    expect(pathOf(page)).toBe('/login');
    expect(await page.getByRole('alert').innerText()).toBe('You have been logged out.');
  });

  it('the skip link still moves past the top bar', async () => {
    const { page } = sut;
    await page.goto('/login');
    await skipToContent(page);
    // The jump within the page reaches Playwright's idea of the URL a moment later.
    await page.waitForURL((url) => url.hash === '#main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
  });
});
