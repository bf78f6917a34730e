import type { Page } from 'playwright-core';
import {
  openConfirmEmailLink,
  openMailedLink,
  sendSettingsForm,
  UNDO_PATH,
} from './helpers/account-pages';
import {
  askForResetLink,
  fillRegistration,
  logInThroughPage,
  openResetFormFromMail,
  registerAndLogIn,
  registerThroughPage,
  submitButton,
} from './helpers/auth-pages';
import { whileSessionsTableIsGone } from './helpers/app-process';
import { navigate, useBrowserSuite } from './helpers/browser-suite';
import { accessibilityProblems, clearScreenshots, screenshot, VIEWPORTS } from './helpers/checks';
import { linkPath, mailTo } from './helpers/mailbox';
import { sendSecondStepCode, turnOnTwoFactor } from './helpers/two-factor-pages';

const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe(`Every page, at ${VIEWPORTS.map((v) => v.width).join(' and ')} px`, () => {
  const sut = useBrowserSuite();

  beforeAll(clearScreenshots);

  /** Registers a new account and signs it in; ends on the home page. */
  const signIn = registerAndLogIn;

  /** Signs a new account in, and opens `path`. */
  const signedInOn = (path: string) => async (page: Page) => {
    await signIn(page);
    await page.goto(path);
  };

  const openResetForm = (page: Page) => openResetFormFromMail(page, sut.app);

  /** Signs a new account in, and opens the verification link of its mail. */
  async function openVerifyLink(page: Page): Promise<void> {
    const account = await signIn(page);
    const mail = await mailTo(sut.app, account.email, 'Confirm your email address');
    await page.goto(linkPath(mail, '/verify-email'));
  }

  /** Signed in, remembered, on the sessions page, with a second session from a phone. */
  async function onSessionsPage(page: Page): Promise<void> {
    const account = await registerThroughPage(page);
    const phone = await sut.newPage({ userAgent: SAFARI_ON_IPHONE });
    await phone.goto('/login');
    await logInThroughPage(phone, account.email, account.password);
    await page.getByLabel('Remember me').check();
    await logInThroughPage(page, account.email, account.password);
    await page.goto('/account/sessions');
  }

  /** Signed in, on the page that the link mailed to a new address opens. */
  async function openConfirmEmail(page: Page): Promise<string> {
    const account = await signIn(page);
    await openConfirmEmailLink(page, sut.app, account, `new.${account.email}`);
    return account.email;
  }

  // Each opens one page in one state; the name is the screenshot's.
  const pages: [name: string, title: string, open: (page: Page) => Promise<unknown>][] = [
    ['register', 'Create an account', (page) => page.goto('/register')],
    [
      'register-errors',
      'Create an account',
      async (page) => {
        await page.goto('/register');
        await fillRegistration(page, { username: '1x', email: 'nope', password: 'short' });
        await navigate(page, () => submitButton(page, 'Create account').click());
      },
    ],
    ['login', 'Log in', (page) => page.goto('/login')],
    ['login-account-created', 'Log in', (page) => registerThroughPage(page)],
    ['login-please-log-in', 'Log in', (page) => page.goto('/')],
    [
      'login-wrong-password',
      'Log in',
      async (page) => {
        const account = await registerThroughPage(page);
        await logInThroughPage(page, account.email, 'not-the-password');
      },
    ],
    ['home', 'Home', signIn],
    ['sessions', 'Sessions', onSessionsPage],
    [
      'sessions-ended',
      'Sessions',
      async (page) => {
        await onSessionsPage(page);
        await navigate(page, () => page.getByRole('button', { name: /^End session/ }).click());
      },
    ],
    ['account', 'Account', signedInOn('/account')],
    ['two-factor-off', 'Two-factor sign-in', signedInOn('/account/two-factor')],
    ['passkeys', 'Passkeys', signedInOn('/account/passkeys')],
    [
      'recovery-codes',
      'Your recovery codes',
      async (page) => turnOnTwoFactor(page, (await signIn(page)).password),
    ],
    [
      'two-factor-on',
      'Two-factor sign-in',
      async (page) => {
        await turnOnTwoFactor(page, (await signIn(page)).password);
        await page.goto('/account/two-factor');
      },
    ],
    [
      'login-two-factor-wrong-code',
      'Two-factor sign-in',
      async (page) => {
        const account = await signIn(page);
        await turnOnTwoFactor(page, account.password);
        await page.context().clearCookies();
        await page.goto('/login');
        await logInThroughPage(page, account.email, account.password);
        await sendSecondStepCode(page, '000000');
      },
    ],
    [
      'account-errors',
      'Account',
      async (page) => {
        const account = await signIn(page);
        await page.goto('/account');
        await sendSettingsForm(page, 'email', {
          'New email address': `new.${account.email}`,
          'Current password': 'not-the-password',
        });
      },
    ],
    [
      'activity',
      'Security activity',
      async (page) => {
        const account = await registerThroughPage(page);
        await logInThroughPage(page, account.email, 'not-the-password');
        await logInThroughPage(page, account.email, account.password);
        await page.goto('/account/activity');
      },
    ],
    ['confirm-email', 'Confirm your new email address', openConfirmEmail],
    [
      'undo-email',
      'Undo the email change',
      async (page) => {
        const oldEmail = await openConfirmEmail(page);
        await navigate(page, () => submitButton(page, 'Use this address').click());
        await openMailedLink(page, sut.app, oldEmail, 'Your email address was changed', UNDO_PATH);
      },
    ],
    [
      'email-link-expired-400',
      'Link expired',
      (page) => page.goto('/account/email/confirm?token=bad'),
    ],
    [
      'home-link-sent-again',
      'Home',
      async (page) => {
        await signIn(page);
        await navigate(page, () =>
          page.getByRole('button', { name: 'Send the link again', exact: true }).click(),
        );
      },
    ],
    ['forgot-password', 'Forgot your password?', (page) => page.goto('/forgot-password')],
    [
      'forgot-password-errors',
      'Forgot your password?',
      (page) => askForResetLink(page, 'not-an-address'),
    ],
    [
      'login-reset-link-sent',
      'Log in',
      (page) => askForResetLink(page, 'someone.forgetful@example.com'),
    ],
    ['reset-password', 'Choose a new password', openResetForm],
    [
      'reset-password-errors',
      'Choose a new password',
      async (page) => {
        await openResetForm(page);
        await page.getByLabel('New password', { exact: true }).fill('short');
        await page.getByLabel('Confirm new password', { exact: true }).fill('other');
        await navigate(page, () => submitButton(page, 'Save the new password').click());
      },
    ],
    ['reset-link-expired-400', 'Link expired', (page) => page.goto('/reset-password?token=bad')],
    ['verify-email', 'Confirm your email address', openVerifyLink],
    [
      'home-verified',
      'Home',
      async (page) => {
        await openVerifyLink(page);
        await navigate(page, () => submitButton(page, 'Confirm my address').click());
      },
    ],
    ['verify-link-expired-400', 'Link expired', (page) => page.goto('/verify-email?token=bad')],
    ['logout', 'Log out', signedInOn('/logout')],
    [
      'login-logged-out',
      'Log in',
      async (page) => {
        await signIn(page);
        await navigate(page, () => page.getByRole('banner').getByRole('button').click());
      },
    ],
    [
      'form-expired-403',
      'Form expired',
      async (page) => {
        await page.goto('/register');
        await page.context().clearCookies();
        await navigate(page, () => submitButton(page, 'Create account').click());
      },
    ],
    ['not-found-404', 'Page not found', (page) => page.goto('/no/such/page')],
    [
      'too-many-attempts-429',
      'Too many attempts',
      async (page) => {
        // The sixth sign-in within a minute for one email and client (THROTTLE_LOGIN_PER_MINUTE=5).
        await page.goto('/login');
        for (let attempt = 0; attempt < 6; attempt++) {
          await logInThroughPage(page, 'someone.throttled@example.com', 'not-the-password');
        }
      },
    ],
    [
      'server-error-500',
      'Something went wrong',
      async (page) => {
        // Signed in: the next page looks the session up, and finds no table to look in.
        await signIn(page);
        await whileSessionsTableIsGone(sut.app, () => page.goto('/'));
      },
    ],
  ];

  it.each(pages)('%s: titled, no serious accessibility problem', async (name, title, open) => {
    const { page } = sut;
    await open(page);
    expect(await page.title()).toBe(`${title} · Nest Auth`);
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      expect(await accessibilityProblems(page)).toEqual([]);
      await screenshot(page, name);
    }
  });
});
