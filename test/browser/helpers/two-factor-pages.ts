import type { Page } from 'playwright-core';
import { totpCode } from '../../../src/auth/core/two-factor/totp';
import { submitButton } from './auth-pages';
import { navigate } from './browser-suite';

/** The key the two-factor page shows, as an authenticator app would read it. */
export async function keyOnPage(page: Page): Promise<string> {
  return (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
}

/**
 * Turns two-factor sign-in on from its page, as a person with an authenticator app would: the
 * key read from the page, its current code typed with the password. Ends on the page of the
 * recovery codes; returns the key and the codes.
 */
export async function turnOnTwoFactor(
  page: Page,
  password: string,
): Promise<{ key: string; codes: string[] }> {
  await page.goto('/account/two-factor');
  const key = await keyOnPage(page);
  await page.getByLabel('Code from the app').fill(totpCode(key, Date.now()));
  await page.getByLabel('Current password', { exact: true }).fill(password);
  const status = await navigate(page, () =>
    submitButton(page, 'Turn two-factor sign-in on').click(),
  );
  if (status !== 200) {
    throw new Error(`Turning two-factor on answered ${status}`);
  }
  const codes = await page
    .getByRole('list', { name: 'Recovery codes' })
    .locator('li')
    .allInnerTexts();
  return { key, codes };
}

/** Sends a code at the second step of a sign-in; the status of the answer. */
export async function sendSecondStepCode(page: Page, code: string): Promise<number> {
  await page.getByLabel('Code').fill(code);
  return navigate(page, () => submitButton(page, 'Verify').click());
}
