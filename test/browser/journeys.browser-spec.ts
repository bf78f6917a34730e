import { aRegistration, Registration } from '../helpers/forms';
import {
  fillRegistration,
  logInThroughPage,
  registerThroughPage,
  submitButton,
} from './helpers/auth-pages';
import { navigate, pathOf, useBrowserSuite } from './helpers/browser-suite';

describe('Journeys through the browser', () => {
  const sut = useBrowserSuite();

  const alertText = () => sut.page.getByRole('alert').innerText();
  const heading = () => sut.page.getByRole('heading', { level: 1 }).innerText();

  it('register → log in → greeted at home → log out → back on the login page', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    expect(await alertText()).toBe('Account created. You can now log in.');

    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(pathOf(page)).toBe('/');
    expect(await heading()).toBe(`Hello, ${account.username}!`);
    expect(await page.getByRole('banner').innerText()).toContain(
      `Signed in as ${account.username}`,
    );

    await navigate(page, () => page.getByRole('banner').getByRole('button').click());
    expect(pathOf(page)).toBe('/login');
    expect(await alertText()).toBe('You have been logged out.');
    await page.goto('/');
    expect(pathOf(page)).toBe('/login');
  });

  it('a signed-out visit to / asks to log in, then comes back to /', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);

    await page.goto('/');
    expect(page.url()).toBe(`${sut.app.url}/login?next=%2F`);
    expect(await alertText()).toBe('Please log in to access this page.');

    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(pathOf(page)).toBe('/');
    expect(await heading()).toBe(`Hello, ${account.username}!`);
  });

  it('wrong credentials: 401, the message above the form, the email kept', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);

    expect(await logInThroughPage(page, account.email, 'not-the-password')).toBe(401);
    expect(await alertText()).toBe('Invalid email or password.');
    expect(await page.getByLabel('Email address').inputValue()).toBe(account.email);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
  });

  it('a form opened before the session was lost: the "form expired" page, and a way back', async () => {
    const { page } = sut;
    const account = await registerThroughPage(page);
    await page.getByLabel('Email address').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.context().clearCookies();

    expect(await navigate(page, () => submitButton(page, 'Log in').click())).toBe(403);
    expect(await heading()).toBe('This form has expired');

    await navigate(page, () => page.getByRole('link', { name: 'Try again' }).click());
    expect(pathOf(page)).toBe('/login');
    expect(await logInThroughPage(page, account.email, account.password)).toBe(200);
    expect(await heading()).toBe(`Hello, ${account.username}!`);
  });

  describe('every registration error shows next to its field, with what was typed kept', () => {
    let taken: Registration;

    beforeAll(async () => {
      const page = await sut.newPage();
      taken = await registerThroughPage(page);
    });

    const tooLong = 'é'.repeat(40); // 40 characters, 80 bytes: the browser lets it through
    const cases: [string, () => Partial<Registration>, Record<string, string>][] = [
      [
        'too short, invalid, too short, not matching',
        () => ({ username: 'ab', email: 'not-an-email', password: 'short', confirmPassword: 'x' }),
        {
          username: 'Username must be 3 to 20 characters',
          email: 'Please enter a valid email address',
          password: 'Password must be at least 8 characters',
          confirmPassword: 'Passwords must match!',
        },
      ],
      [
        'a username that starts with a digit, a common password',
        () => aRegistration({ username: '1alice', password: 'password1' }),
        {
          username: 'Usernames must have only letters, numbers, dots or underscores',
          password: 'This password is too common',
        },
      ],
      [
        'a username and an email already used (in other letter cases)',
        () =>
          aRegistration({
            username: taken.username.toUpperCase(),
            email: taken.email.toUpperCase(),
          }),
        { username: 'Username already taken!', email: 'Email already registered!' },
      ],
      [
        'the username as the password',
        () => aRegistration({ username: 'personal.name', password: 'personal.name' }),
        { password: 'Password must not be your username or email address' },
      ],
      [
        'a password longer than 72 bytes',
        () => aRegistration({ password: tooLong }),
        { password: 'Password must be at most 72 bytes' },
      ],
    ];

    it.each(cases)('%s', async (_name, form, expected) => {
      const { page } = sut;
      const typed = form();
      await page.goto('/register');
      await fillRegistration(page, typed);

      expect(await navigate(page, () => submitButton(page, 'Create account').click())).toBe(422);

      for (const field of ['username', 'email', 'password', 'confirmPassword'] as const) {
        const input = page.locator(`#${field}`);
        const errors = page.locator(`#${field}-errors`);
        if (expected[field]) {
          expect(await errors.innerText()).toContain(expected[field]);
          expect(await input.getAttribute('aria-invalid')).toBe('true');
          expect((await input.getAttribute('aria-describedby'))?.split(' ')).toContain(
            `${field}-errors`,
          );
          // Next to its field: in the same group, right under the input.
          const [inputBox, errorsBox] = await Promise.all([
            input.boundingBox(),
            errors.boundingBox(),
          ]);
          expect(errorsBox!.y - (inputBox!.y + inputBox!.height)).toBeLessThan(12);
        } else {
          expect(await errors.count()).toBe(0);
          expect(await input.getAttribute('aria-invalid')).toBeNull();
        }
      }
      expect(await page.locator('#username').inputValue()).toBe(typed.username);
      expect(await page.locator('#email').inputValue()).toBe(typed.email);
      expect(await page.locator('#password').inputValue()).toBe('');
      expect(await page.locator('#confirmPassword').inputValue()).toBe('');
      // app.js puts the cursor on the first field to fix.
      const first = Object.keys(expected)[0];
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(first);
    });
  });
});
