import { totpCode } from '../../src/auth/core/two-factor/totp';
import {
  logInThroughPage,
  registerAndLogIn,
  submitButton,
  headingOf,
  signOutThroughMenu,
} from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';
import { mailTo } from './helpers/mailbox';
import { sendSecondStepCode, turnOnTwoFactor } from './helpers/two-factor-pages';

describe('Two-factor sign-in, in the browser', () => {
  const sut = useBrowserSuite();

  it('turns on with a code computed from the key on the page, then signs in with a code, then with a recovery code', async () => {
    const { page } = sut;
    const account = await registerAndLogIn(page);

    const { key, codes } = await turnOnTwoFactor(page, account.password);

    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(codes).toHaveLength(10);
    expect(await headingOf(page)).toBe('Your recovery codes');
    await mailTo(sut.app, account.email, 'Two-factor sign-in is on');
    await navigate(page, () => page.getByRole('link', { name: 'I have saved them' }).click());
    expect(await page.getByText('10 unused recovery codes').count()).toBe(1);

    await signOutThroughMenu(page);
    expect(pathOf(page)).toBe('/login');
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(pathOf(page)).toBe('/login/two-factor');
    expect(await headingOf(page)).toBe('Two-factor sign-in');
    expect(await sendSecondStepCode(page, '000000')).toBe(401);
    expect(await page.getByText('That code is not right. Please try again.').count()).toBe(1);
    // The next step's code: the current one was used to turn it on.
    expect(await sendSecondStepCode(page, totpCode(key, Date.now() + 30_000))).toBe(200);
    expect(pathOf(page)).toBe('/');
    expect(await headingOf(page)).toBe(`Hello, ${account.username}!`);

    await signOutThroughMenu(page);
    expect(pathOf(page)).toBe('/login');
    await logInThroughPage(page, account.email, account.password);
    expect(await sendSecondStepCode(page, codes[0])).toBe(200);
    expect(pathOf(page)).toBe('/');

    await page.goto('/account/two-factor');
    expect(await page.getByText('9 unused recovery codes').count()).toBe(1);
    await page.getByLabel('Current password', { exact: true }).last().fill(account.password);
    await navigate(page, () => submitButton(page, 'Turn two-factor sign-in off').click());
    expect(await page.getByRole('alert').innerText()).toBe(
      'Two-factor sign-in is off. Signing in asks for your password alone.',
    );
  });
});
