import type { BrowserContext, Cookie, Page } from 'playwright-core';
import { Registration } from '../helpers/forms';
import { logInThroughPage, registerThroughPage, submitButton } from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';

const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const DAY = 24 * 60 * 60 * 1000;

describe('Sessions and "Remember me" in the browser', () => {
  const sut = useBrowserSuite();

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

  /** Opens the login page and signs in, ticking "Remember me" when asked. */
  async function signIn(page: Page, account: Registration, { remember = false } = {}) {
    await page.goto('/login');
    if (remember) {
      await page.getByLabel('Remember me').check();
    }
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(pathOf(page)).toBe('/');
  }

  /** The session cookie of a browser context. */
  async function sessionCookieOf(context: BrowserContext): Promise<Cookie> {
    const cookie = (await context.cookies()).find(({ name }) => name === 'sid');
    if (!cookie) {
      throw new Error('No session cookie');
    }
    return cookie;
  }

  /**
   * The same browser after it was closed and opened again: a new context with what the first
   * one stored, less its session cookies (those without an expiry), which a browser drops when
   * it closes. Playwright's storageState keeps them, with `expires: -1`.
   */
  async function restarted(page: Page): Promise<Page> {
    const state = await page.context().storageState();
    return sut.newPage({
      storageState: { ...state, cookies: state.cookies.filter(({ expires }) => expires !== -1) },
    });
  }

  it('ends the session of another browser from the sessions page; it is signed out at its next page', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    const other = await sut.newPage({ userAgent: FIREFOX_ON_LINUX });
    await signIn(other, account);
    await signIn(page, account);

    await navigate(page, () =>
      page.getByRole('banner').getByRole('link', { name: 'Sessions' }).click(),
    );
    expect(pathOf(page)).toBe('/account/sessions');
    expect(await heading(page)).toBe('Sessions');
    const thisDevice = page.getByRole('listitem').filter({ hasText: 'This device' });
    expect(await thisDevice.count()).toBe(1);
    expect(await thisDevice.getByRole('button').count()).toBe(0);

    const end = page.getByRole('button', {
      name: /^End session for Firefox 140 on Linux, signed in /,
    });
    expect(await end.count()).toBe(1);
    expect(await navigate(page, () => end.click())).toBe(200);

    expect(pathOf(page)).toBe('/account/sessions');
    expect(await page.getByRole('alert').innerText()).toBe(
      'Firefox 140 on Linux has been signed out.',
    );
    expect(await page.getByRole('listitem').filter({ hasText: 'Firefox' }).count()).toBe(0);

    await other.goto('/');
    expect(pathOf(other)).toBe('/login');
    expect(await other.getByRole('alert').innerText()).toBe('Please log in to access this page.');
    await page.goto('/');
    expect(await heading(page)).toBe(`Hello, ${account.username}!`);
  });

  it('ends every other session at once', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    const others = [await sut.newPage({ userAgent: FIREFOX_ON_LINUX }), await sut.newPage()];
    for (const other of others) {
      await signIn(other, account);
    }
    await signIn(page, account);
    await page.goto('/account/sessions');

    await navigate(page, () => submitButton(page, 'End all other sessions').click());

    expect(await page.getByRole('alert').innerText()).toBe('Ended 2 other sessions.');
    expect(await page.getByText('You are not signed in anywhere else.').count()).toBe(1);
    for (const other of others) {
      await other.goto('/');
      expect(pathOf(other)).toBe('/login');
    }
  });

  it('without "Remember me", the cookie ends with the browser: a restart signs out', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    await signIn(page, account);

    expect((await sessionCookieOf(page.context())).expires).toBe(-1);
    const again = await restarted(page);
    await again.goto('/');
    expect(pathOf(again)).toBe('/login');
  });

  it('with "Remember me", the session survives a restart, and is listed and can be ended', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    await signIn(page, account, { remember: true });

    const { expires } = await sessionCookieOf(page.context());
    expect(expires * 1000).toBeGreaterThan(Date.now() + 30 * DAY - 60_000);
    expect(expires * 1000).toBeLessThanOrEqual(Date.now() + 30 * DAY);

    const again = await restarted(page);
    await again.goto('/');
    expect(await heading(again)).toBe(`Hello, ${account.username}!`);

    // From another browser, the remembered one is listed with its end, and can be ended.
    const other = await sut.newPage({ userAgent: FIREFOX_ON_LINUX });
    await signIn(other, account);
    await other.goto('/account/sessions');
    const remembered = other.getByRole('listitem').filter({ hasText: 'Remembered until' });
    expect(await remembered.count()).toBe(1);
    await navigate(other, () => remembered.getByRole('button', { name: /^End session/ }).click());
    await again.goto('/');
    expect(pathOf(again)).toBe('/login');
  });
});
