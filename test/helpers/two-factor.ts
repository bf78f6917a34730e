import TestAgent from 'supertest/lib/agent';
import { totpCode } from '../../src/auth/core/two-factor/totp';
import { submitForm } from './forms';

/** The key the two-factor page shows, without its spaces. */
export function keyOn(html: string): string {
  const match = /<code class="totp-secret" id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!match) {
    throw new Error('The page shows no key');
  }
  return match[1].replace(/ /g, '');
}

/** The recovery codes of the page that shows them once. */
export function recoveryCodesOn(html: string): string[] {
  return [...html.matchAll(/<li>([a-z2-9]{5}-[a-z2-9]{5})<\/li>/g)].map(([, code]) => code);
}

/**
 * Turns two-factor sign-in on for the account `browser` is signed in to, as its owner would:
 * the key read from the page, its current code, the password. Its key and recovery codes.
 */
export async function turnOnTwoFactor(
  browser: TestAgent,
  password: string,
): Promise<{ secret: string; codes: string[] }> {
  const secret = keyOn((await browser.get('/account/two-factor').expect(200)).text);
  const enabled = await submitForm(
    browser,
    '/account/two-factor',
    { code: totpCode(secret, Date.now()), currentPassword: password },
    '/account/two-factor/enable',
  );
  if (enabled.status !== 200) {
    throw new Error(`Turning two-factor on answered ${enabled.status}`);
  }
  return { secret, codes: recoveryCodesOn(enabled.text) };
}
