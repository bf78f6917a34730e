import { aRegistration } from '../helpers/forms';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';
import { press, skipToContent } from './helpers/keyboard';

describe('The keyboard alone', () => {
  const sut = useBrowserSuite();

  it('registers and signs in: Tab order, Enter submits, focus always visible', async () => {
    const { page } = sut;
    const account = aRegistration();

    await page.goto('/register');
    await skipToContent(page);
    await press(page, 'Tab', '#username');
    await page.keyboard.type(account.username);
    await press(page, 'Tab', '#email');
    await page.keyboard.type(account.email);
    await press(page, 'Tab', '#password');
    await page.keyboard.type(account.password);
    await press(page, 'Tab', 'button "Show password"');
    await page.keyboard.press('Space');
    expect(await page.locator('#password').getAttribute('type')).toBe('text');
    await press(page, 'Tab', '#confirmPassword');
    await page.keyboard.type(account.password);
    await press(page, 'Tab', 'button "Show confirm password"');
    await press(page, 'Tab', 'button "Create account"');
    expect(await navigate(page, () => page.keyboard.press('Enter'))).toBe(200);

    expect(pathOf(page)).toBe('/login');
    await skipToContent(page);
    await press(page, 'Tab', 'button "Dismiss message"');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('alert').count()).toBe(0);
    await press(page, 'Tab', '#email');
    await page.keyboard.type(account.email);
    await press(page, 'Tab', '#password');
    await page.keyboard.type(account.password);
    expect(await navigate(page, () => page.keyboard.press('Enter'))).toBe(200);

    expect(pathOf(page)).toBe('/');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      `Hello, ${account.username}!`,
    );
  });

  it('reaches the top bar after the skip link, and signs out from it', async () => {
    const { page } = sut;
    await page.goto('/login');
    await press(page, 'Tab', 'a "Skip to content"');
    await press(page, 'Tab', 'a "Nest Auth"');
    await press(page, 'Tab', 'a "Log in"');
    await press(page, 'Tab', 'a "Create account"');
    await press(page, 'Tab', '#email');
  });
});
