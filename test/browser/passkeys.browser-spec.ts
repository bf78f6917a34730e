import type { CDPSession, Page } from 'playwright-core';
import {
  logInThroughPage,
  registerAndLogIn,
  submitButton,
  headingOf,
  signOutThroughMenu,
} from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';
import { mailTo } from './helpers/mailbox';
import { turnOnTwoFactor } from './helpers/two-factor-pages';

/**
 * Passkeys through Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain): a
 * platform authenticator that keeps discoverable credentials and verifies its user at once. The
 * pages are opened at `localhost` (the app's default APP_URL): WebAuthn takes no IP address as
 * a relying party.
 */
describe('Passkeys, in the browser', () => {
  const sut = useBrowserSuite();

  /** A page at localhost, with a virtual authenticator of its own. */
  async function pageWithAuthenticator(): Promise<{ page: Page; cdp: CDPSession }> {
    const page = await sut.newPage({ baseURL: sut.app.url.replace('127.0.0.1', 'localhost') });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { page, cdp };
  }

  it('adds a passkey, then signs in with it alone, then renames and removes it', async () => {
    const { page } = await pageWithAuthenticator();
    await page.goto('/login');
    const account = await registerAndLogIn(page);

    await page.goto('/account/passkeys');
    expect(await headingOf(page)).toBe('Passkeys');
    await page.getByLabel('Name').fill('Laptop');
    await page.locator('#passkey-currentPassword').fill(account.password);
    expect(
      await navigate(page, () => page.getByRole('button', { name: 'Add a passkey' }).click()),
    ).toBe(200);
    expect(pathOf(page)).toBe('/account/passkeys');
    expect(await page.getByRole('alert').innerText()).toBe(
      'Passkey “Laptop” added. You can sign in with it now.',
    );
    expect(await page.locator('.passkey').count()).toBe(1);
    expect(await page.locator('.passkey').innerText()).toContain('never used yet');
    await mailTo(sut.app, account.email, 'A passkey was added');

    // With two-factor sign-in on too, a passkey still signs in alone: it is both factors.
    await turnOnTwoFactor(page, account.password);
    await page.goto('/');

    // The browser's autofill (conditional mediation) offers the passkey in the email field; the
    // virtual authenticator picks it at once, as a person choosing it would. The browser is
    // signed out by losing its cookies, as when it closes: signing out through the menu lands on
    // /login, whose own autofill would sign in at once too, racing the page opened next.
    await page.context().clearCookies();
    await Promise.all([page.waitForURL(/\/account$/), page.goto('/login?next=%2Faccount')]);
    expect(await page.getByRole('banner').innerText()).toContain(
      `Signed in as ${account.username}`,
    );

    // A browser without that autofill: the button.
    await page.addInitScript(() => {
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
    });
    await signOutThroughMenu(page);
    expect(pathOf(page)).toBe('/login');
    expect(
      await navigate(page, () =>
        page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
      ),
    ).toBe(200);
    expect(pathOf(page)).toBe('/');
    expect(await page.getByRole('banner').innerText()).toContain(
      `Signed in as ${account.username}`,
    );

    await page.goto('/account/passkeys');
    expect(await page.locator('.passkey').innerText()).toContain('last used');
    await page.getByText('Rename').click();
    await page.getByLabel('New name').fill('Work laptop');
    await navigate(page, () => submitButton(page, 'Save the name').click());
    expect(await page.getByRole('alert').innerText()).toBe('Passkey renamed “Work laptop”.');

    await page.getByText('Remove', { exact: true }).click();
    await page
      .locator('.passkey')
      .getByLabel('Current password', { exact: true })
      .fill('not-my-password');
    expect(await navigate(page, () => submitButton(page, 'Remove this passkey').click())).toBe(422);
    expect(await page.locator('.passkey').count()).toBe(1);
    await page.getByText('Remove', { exact: true }).click();
    await page
      .locator('.passkey')
      .getByLabel('Current password', { exact: true })
      .fill(account.password);
    await navigate(page, () => submitButton(page, 'Remove this passkey').click());
    expect(await page.getByRole('alert').innerText()).toBe('Passkey “Work laptop” removed.');
    expect(await page.locator('.passkey').count()).toBe(0);

    // Without a passkey, the password needs its second factor again.
    await signOutThroughMenu(page);
    expect(pathOf(page)).toBe('/login');
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(pathOf(page)).toBe('/login/two-factor');
  });
});
