import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import { askResetLink, expireLink, useAppWithMailbox } from './helpers/app-with-mailbox';
import {
  alertsIn,
  aRegistration,
  csrfTokenIn,
  fieldErrors,
  inputValue,
  logIn,
  logInRemembered,
  Registration,
  register,
  postSignedOut,
  sessionCookie,
  submitForm,
} from './helpers/forms';
import { hrefsIn, nextMailTo, TEST_APP_URL, tokenIn } from './helpers/mail';

const WRONG_CURRENT = 'Your current password is not correct.';
const NEW_PASSWORD = 'a-brand-new-passphrase-7';

describe('Account settings (/account)', () => {
  const app = useAppWithMailbox();

  /** A new account, signed in on a browser of its own. */
  async function signedIn(
    registration = aRegistration(),
  ): Promise<{ account: Registration; agent: TestAgent }> {
    const account = await register(app.sut.agent(), registration);
    const agent = app.sut.agent();
    expect((await logIn(agent, account.email, account.password)).status).toBe(303);
    return { account, agent };
  }

  /** Sends one of the account page's forms with the page's CSRF token. */
  async function send(
    agent: TestAgent,
    form: 'username' | 'email' | 'password' | 'export' | 'delete',
    fields: Record<string, string | string[]>,
  ): Promise<Response> {
    const page = await agent.get('/account').expect(200);
    return agent
      .post(`/account/${form}`)
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), ...fields });
  }

  const alertsOn = async (agent: TestAgent, path: string) =>
    alertsIn((await agent.get(path).expect(200)).text);

  const userRow = async (id: number) =>
    (
      await app.sut.sql<{ username: string; email: string; verified: unknown }[]>(
        'SELECT username, email, email_verified_at AS verified FROM users WHERE id = ?',
        [id],
      )
    )[0];

  const idOf = async (email: string) =>
    (await app.sut.sql<{ id: number }[]>('SELECT id FROM users WHERE email = ?', [email]))[0]?.id;

  const signedInNow = async (agent: TestAgent) => (await agent.get('/')).status === 200;

  describe('the page', () => {
    it('sends a signed-out visitor to the login page', async () => {
      const res = await app.sut.agent().get('/account').expect(303);
      expect(res.headers.location).toBe('/login?next=%2Faccount');
    });

    it('shows the username, the address and whether it is confirmed, the password’s age and the links', async () => {
      const { account, agent } = await signedIn();

      const page = await agent.get('/account').expect(200);

      expect(page.text).toContain('<title>Account · Nest Auth</title>');
      expect(page.text).toContain(account.email);
      expect(page.text).toContain('Not confirmed');
      expect(page.text).toContain('Not changed since the account was made');
      expect(page.text).toContain('href="/account/sessions"');
      expect(page.text).toContain('href="/account/activity"');
      expect(inputValue(page.text, 'username')).toBe(account.username);
      // The top bar and the home page lead here.
      expect((await agent.get('/').expect(200)).text).toContain('href="/account"');
    });

    it('labels every field, gives each its own id and the autocomplete a password manager needs', async () => {
      const { agent } = await signedIn();

      const page = (await agent.get('/account').expect(200)).text;

      for (const [id, autocomplete] of [
        ['username', 'username'],
        ['email', 'email'],
        ['email-currentPassword', 'current-password'],
        ['password-currentPassword', 'current-password'],
        ['password', 'new-password'],
        ['confirmPassword', 'new-password'],
        ['delete-currentPassword', 'current-password'],
      ]) {
        expect(page).toMatch(new RegExp(`<label for="${id}"`));
        expect(page).toMatch(new RegExp(`<input id="${id}"[^>]*autocomplete="${autocomplete}"`));
        expect(page.match(new RegExp(`id="${id}"`, 'g'))).toHaveLength(1);
      }
    });
  });

  describe('changing the username', () => {
    it('renames the account: 303 back with a success flash, and every page says the new name', async () => {
      const { account, agent } = await signedIn();

      const res = await send(agent, 'username', { username: 'Renamed.One' });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
      expect(await alertsOn(agent, '/account')).toEqual([
        'success: Your username is now Renamed.One.',
      ]);
      expect((await agent.get('/').expect(200)).text).toContain('Hello, Renamed.One!');
      expect((await userRow(await idOf(account.email))).username).toBe('Renamed.One');
    });

    it.each([
      ['too short', 'ab', 'Username must be 3 to 20 characters'],
      ['a space', 'has space', 'Usernames must have only letters, numbers, dots or underscores'],
      ['missing', undefined, 'Username is required'],
    ])(
      'refuses a name that is %s: 422, the message by the field, nothing changed',
      async (_n, username, message) => {
        const { account, agent } = await signedIn();

        const res = await send(agent, 'username', username === undefined ? {} : { username });

        expect(res.status).toBe(422);
        expect(fieldErrors(res.text, 'username')).toBe(message);
        expect(res.text).toContain(account.email);
        expect((await userRow(await idOf(account.email))).username).toBe(account.username);
      },
    );

    it('refuses a name another account has, in any case', async () => {
      const other = await register(app.sut.agent());
      const { agent } = await signedIn();

      const res = await send(agent, 'username', { username: other.username.toUpperCase() });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, 'username')).toBe('Username already taken!');
      expect(inputValue(res.text, 'username')).toBe(other.username.toUpperCase());
    });

    it('takes its own name in another case, and says so when nothing changes', async () => {
      const { account, agent } = await signedIn();

      await send(agent, 'username', { username: account.username.toUpperCase() }).then((r) =>
        expect(r.status).toBe(303),
      );
      expect(await alertsOn(agent, '/account')).toEqual([
        `success: Your username is now ${account.username.toUpperCase()}.`,
      ]);
      await send(agent, 'username', { username: account.username.toUpperCase() });
      expect(await alertsOn(agent, '/account')).toEqual([
        `info: ${account.username.toUpperCase()} is already your username.`,
      ]);
    });

    it('takes at most 10 changes an hour per account: the eleventh gets 429', async () => {
      const { agent } = await signedIn();
      for (let i = 0; i < 10; i++) {
        expect((await send(agent, 'username', { username: `Renamed${i}` })).status).toBe(303);
      }

      const res = await send(agent, 'username', { username: 'OneTooMany' });

      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('refuses a form without its CSRF token, and a signed-out one', async () => {
      const { agent } = await signedIn();

      await agent.post('/account/username').type('form').send({ username: 'Nope' }).expect(403);
      // With a valid token of a signed-out browser: the sign-in guard's turn.
      const anonymous = await postSignedOut(app.sut.agent(), '/account/username', {
        username: 'Nope',
      });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.location).toBe('/login?next=%2Faccount%2Fusername');
    });
  });

  describe('changing the password', () => {
    it('sets it, ends every other session, keeps this one under a new id, and mails a notice', async () => {
      const { account, agent } = await signedIn();
      const other = app.sut.agent();
      await logIn(other, account.email, account.password);
      const before = sessionCookie(await agent.get('/account'));

      const res = await send(agent, 'password', {
        currentPassword: account.password,
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
      const renewed = sessionCookie(res);
      expect(renewed).toBeDefined();
      expect(renewed).not.toBe(before);
      expect(await alertsOn(agent, '/account')).toEqual([
        'success: Your password has been changed. Every other device has been signed out.',
      ]);
      expect(await signedInNow(agent)).toBe(true);
      expect(await signedInNow(other)).toBe(false);
      expect((await logIn(app.sut.agent(), account.email, account.password)).status).toBe(401);
      expect((await logIn(app.sut.agent(), account.email, NEW_PASSWORD)).status).toBe(303);
      const notice = await nextMailTo(app.smtp, account.email, 'Your password was changed');
      expect(notice.text).toContain('in the account settings');
      expect(notice.text).not.toContain(NEW_PASSWORD);
      const page = (await agent.get('/account').expect(200)).text;
      expect(page).toMatch(/Last changed <time datetime="[^"]+"/);
    });

    it('keeps "Remember me" across the new session id', async () => {
      const account = await register(app.sut.agent());
      const agent = app.sut.agent();
      await logInRemembered(agent, account.email, account.password);

      const res = await send(agent, 'password', {
        currentPassword: account.password,
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });

      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
      expect(cookie).toMatch(/sid=[^;]+;[^\n]*Expires=/);
      expect((await agent.get('/').expect(200)).text).toContain('stays signed in');
    });

    it('refuses a wrong current password next to its field, changes nothing, and records it', async () => {
      const { account, agent } = await signedIn();

      const res = await send(agent, 'password', {
        currentPassword: 'not-my-password',
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, 'password-currentPassword')).toBe(WRONG_CURRENT);
      // The other forms that ask for it say nothing.
      expect(fieldErrors(res.text, 'email-currentPassword')).toBe('');
      expect(fieldErrors(res.text, 'delete-currentPassword')).toBe('');
      expect(res.text).not.toContain('not-my-password');
      expect((await logIn(app.sut.agent(), account.email, account.password)).status).toBe(303);
      expect(
        app.sut
          .logs()
          .some((line) => line.event === 'authn_login_fail' && line.reason === 'current_password'),
      ).toBe(true);
    });

    it.each<[Record<string, string>, string, string]>([
      [{ confirmPassword: 'something-else-entirely' }, 'confirmPassword', 'Passwords must match!'],
      [
        { password: 'short', confirmPassword: 'short' },
        'password',
        'Password must be at least 8 characters',
      ],
    ])('refuses a bad new password with 422 by its field', async (override, field, message) => {
      const { account, agent } = await signedIn();

      const fields = { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ...override };
      const res = await send(agent, 'password', { currentPassword: account.password, ...fields });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, field)).toBe(message);
      expect((await logIn(app.sut.agent(), account.email, account.password)).status).toBe(303);
    });

    it('refuses the username as the new password', async () => {
      const { account, agent } = await signedIn(aRegistration({ username: 'Longname42' }));

      const res = await send(agent, 'password', {
        currentPassword: account.password,
        password: 'longname42',
        confirmPassword: 'longname42',
      });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, 'password')).toBe(
        'Password must not be your username or email address',
      );
    });

    it('makes a reset link asked for before it worthless', async () => {
      const { account, agent } = await signedIn();
      const token = await askResetLink(app, account.email);

      await send(agent, 'password', {
        currentPassword: account.password,
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }).then((r) => expect(r.status).toBe(303));

      expect((await app.sut.agent().get(`/reset-password?token=${token}`)).status).toBe(400);
    });
  });

  describe('changing the email address', () => {
    /** Asks to move `account` to `to`; returns the tokens of the confirmation link. */
    async function askChange(agent: TestAgent, account: Registration, to: string): Promise<string> {
      const res = await send(agent, 'email', { email: to, currentPassword: account.password });
      expect(res.status).toBe(303);
      return tokenIn(
        await nextMailTo(app.smtp, to, 'Confirm your new email address'),
        '/account/email/confirm',
      );
    }

    /** Presses the button of the page a mailed link opens. */
    async function pressButton(agent: TestAgent, path: string, token: string): Promise<Response> {
      const page = await agent.get(`${path}?token=${token}`).expect(200);
      return agent
        .post(path)
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text), token: inputValue(page.text, 'token') });
    }

    it('changes nothing yet: a link goes to the new address, a notice to the current one', async () => {
      const { account, agent } = await signedIn();
      const to = aRegistration().email;

      const res = await send(agent, 'email', {
        email: `  ${to.toUpperCase()} `,
        currentPassword: account.password,
      });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
      expect((await alertsOn(agent, '/account'))[0]).toContain(`We have sent a link to ${to}`);
      expect((await userRow(await idOf(account.email))).email).toBe(account.email);
      const confirm = await nextMailTo(app.smtp, to, 'Confirm your new email address');
      expect(hrefsIn(confirm)[0]).toMatch(
        new RegExp(`^${TEST_APP_URL}/account/email/confirm\\?token=[A-Za-z0-9_-]{43}$`),
      );
      const notice = await nextMailTo(
        app.smtp,
        account.email,
        'Your email address is about to change',
      );
      expect(notice.text).toContain(to);
      expect(notice.text).not.toMatch(/token=/);
    });

    it('makes the change, confirmed, when the new address presses the button; the old one gets an undo link', async () => {
      const { account, agent } = await signedIn();
      const to = aRegistration().email;
      const token = await askChange(agent, account, to);

      // Opening the link changes nothing (a mail scanner opens links).
      const opened = await app.sut.agent().get(`/account/email/confirm?token=${token}`).expect(200);
      expect(opened.text).toContain(to);
      expect((await userRow(await idOf(account.email))).email).toBe(account.email);

      const res = await pressButton(agent, '/account/email/confirm', token);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
      expect(await alertsOn(agent, '/account')).toEqual([`success: Your account now uses ${to}.`]);
      const id = await idOf(to);
      expect(id).toBeDefined();
      expect((await userRow(id)).verified).not.toBeNull();
      expect((await logIn(app.sut.agent(), to, account.password)).status).toBe(303);
      expect((await logIn(app.sut.agent(), account.email, account.password)).status).toBe(401);
      const changed = await nextMailTo(app.smtp, account.email, 'Your email address was changed');
      expect(changed.text).toContain('within 7 days');
      expect(tokenIn(changed, '/account/email/undo')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Used: the link is dead.
      expect((await app.sut.agent().get(`/account/email/confirm?token=${token}`)).status).toBe(400);
    });

    it('confirms from a browser that is not signed in, and sends it to the login page', async () => {
      const { account, agent } = await signedIn();
      const to = aRegistration().email;
      const token = await askChange(agent, account, to);

      const visitor = app.sut.agent();
      const res = await pressButton(visitor, '/account/email/confirm', token);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(await alertsOn(visitor, '/login')).toEqual([
        `success: Done: the account now uses ${to}.`,
      ]);
      expect(await idOf(to)).toBeDefined();
    });

    it('in a browser signed in to another account, moves the right account and tells that one nothing', async () => {
      const { account, agent } = await signedIn();
      const { agent: someoneElse } = await signedIn();
      const to = aRegistration().email;
      const confirm = await askChange(agent, account, to);

      const res = await pressButton(someoneElse, '/account/email/confirm', confirm);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(await alertsOn(someoneElse, '/')).toEqual([
        `success: Done: the account now uses ${to}.`,
      ]);
      expect(await idOf(to)).toBeDefined();
      const undo = tokenIn(
        await nextMailTo(app.smtp, account.email, 'Your email address was changed'),
        '/account/email/undo',
      );

      const undone = await pressButton(someoneElse, '/account/email/undo', undo);

      expect(undone.status).toBe(303);
      expect(undone.headers.location).toBe('/');
      expect(await signedInNow(someoneElse)).toBe(true);
      expect(await signedInNow(agent)).toBe(false);
      expect(await idOf(account.email)).toBeDefined();
    });

    it('undoes the change from the old address: the address comes back, every session ends, a reset link is sent', async () => {
      const { account, agent } = await signedIn();
      const to = aRegistration().email;
      await pressButton(agent, '/account/email/confirm', await askChange(agent, account, to));
      const undo = tokenIn(
        await nextMailTo(app.smtp, account.email, 'Your email address was changed'),
        '/account/email/undo',
      );
      const elsewhere = app.sut.agent();
      await logIn(elsewhere, to, account.password);

      const opened = await agent.get(`/account/email/undo?token=${undo}`).expect(200);
      expect(opened.text).toContain(account.email);
      const res = await pressButton(agent, '/account/email/undo', undo);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect((await alertsOn(agent, '/login'))[0]).toContain(
        `Your account uses ${account.email} again`,
      );
      expect(await idOf(account.email)).toBeDefined();
      expect(await idOf(to)).toBeUndefined();
      expect(await signedInNow(agent)).toBe(false);
      expect(await signedInNow(elsewhere)).toBe(false);
      const reset = await nextMailTo(app.smtp, account.email, 'Reset your password');
      expect(tokenIn(reset, '/reset-password')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await app.sut.agent().get(`/account/email/undo?token=${undo}`)).status).toBe(400);
    });

    it.each([
      ['tampered', (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
      ['missing', () => ''],
      ['garbage', () => "' OR 1=1 --"],
    ])('answers 400 for a %s confirmation link, and for its button', async (_n, spoil) => {
      const { account, agent } = await signedIn();
      const token = spoil(await askChange(agent, account, aRegistration().email));

      const page = await app.sut
        .agent()
        .get(`/account/email/confirm?token=${encodeURIComponent(token)}`);
      expect(page.status).toBe(400);
      expect(page.text).toContain('This link has expired or was already used');
      const form = await agent.get('/account').expect(200);
      const res = await agent
        .post('/account/email/confirm')
        .type('form')
        .send({ _csrf: csrfTokenIn(form.text), token });
      expect(res.status).toBe(400);
      expect((await userRow(await idOf(account.email))).email).toBe(account.email);
    });

    it('answers 400 for an expired link, and for one of the undo link’s purpose', async () => {
      const { account, agent } = await signedIn();
      const token = await askChange(agent, account, aRegistration().email);

      expect((await app.sut.agent().get(`/account/email/undo?token=${token}`)).status).toBe(400);
      await expireLink(app.sut, token);
      expect((await app.sut.agent().get(`/account/email/confirm?token=${token}`)).status).toBe(400);
    });

    it('answers 409, and changes nothing, when another account took the address in between', async () => {
      const { account, agent } = await signedIn();
      const to = aRegistration().email;
      const token = await askChange(agent, account, to);
      await register(app.sut.agent(), aRegistration({ email: to }));

      const res = await pressButton(agent, '/account/email/confirm', token);

      expect(res.status).toBe(409);
      expect(res.text).toContain('That address belongs to another account now');
      expect(await idOf(account.email)).toBeDefined();
    });

    /** `account` moved to a new address, with the undo link mailed to the old one. */
    async function movedAway(): Promise<{
      account: Registration;
      agent: TestAgent;
      to: string;
      undo: string;
    }> {
      const { account, agent } = await signedIn();
      const to = aRegistration().email;
      await pressButton(agent, '/account/email/confirm', await askChange(agent, account, to));
      const undo = tokenIn(
        await nextMailTo(app.smtp, account.email, 'Your email address was changed'),
        '/account/email/undo',
      );
      return { account, agent, to, undo };
    }

    it('holds the old address while its undo link works: nobody may register it or move to it', async () => {
      const { account } = await movedAway();
      const { account: other, agent: otherAgent } = await signedIn();

      const registration = await submitForm(app.sut.agent(), '/register', {
        ...aRegistration({ email: account.email }),
      });
      const move = await send(otherAgent, 'email', {
        email: account.email,
        currentPassword: other.password,
      });

      expect(fieldErrors(move.text, 'email')).toBe('Email already registered!');
      expect(move.status).toBe(422);
      expect(registration.status).toBe(422);
      expect(fieldErrors(registration.text, 'email')).toBe('Email already registered!');
      expect(await idOf(account.email)).toBeUndefined();
    });

    it('undoes even after a second change, made by whoever made the first', async () => {
      const { account, agent, to, undo } = await movedAway();
      const third = aRegistration().email;
      await pressButton(
        agent,
        '/account/email/confirm',
        await askChange(agent, { ...account, email: to }, third),
      );

      const res = await pressButton(app.sut.agent(), '/account/email/undo', undo);

      expect(res.status).toBe(303);
      expect(await idOf(account.email)).toBeDefined();
      expect(await idOf(third)).toBeUndefined();
      expect(await signedInNow(agent)).toBe(false);
    });

    it('signs everyone out even when the old address cannot come back (409), and the link still works', async () => {
      const { account, agent, to, undo } = await movedAway();
      // An account made before addresses were held, or by an operator: the address is taken.
      await app.sut.sql(
        'INSERT INTO users (username, username_key, email, password_hash) VALUES (?, ?, ?, ?)',
        ['Squatter', 'squatter', account.email, 'x'],
      );

      const res = await pressButton(app.sut.agent(), '/account/email/undo', undo);

      expect(res.status).toBe(409);
      expect(await idOf(to)).toBeDefined();
      expect(await signedInNow(agent)).toBe(false);
      await app.sut.sql('DELETE FROM users WHERE username_key = ?', ['squatter']);
      expect((await pressButton(app.sut.agent(), '/account/email/undo', undo)).status).toBe(303);
      expect(await idOf(account.email)).toBeDefined();
    });

    it.each([
      ['a password change', 'password'],
      ['“This wasn’t me”', 'not-me'],
    ])('kills a pending confirmation link on %s', async (_name, how) => {
      const { account, agent } = await signedIn();
      const token = await askChange(agent, account, aRegistration().email);

      if (how === 'password') {
        await send(agent, 'password', {
          currentPassword: account.password,
          password: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        }).then((r) => expect(r.status).toBe(303));
      } else {
        const page = await agent.get('/account/activity').expect(200);
        await agent
          .post('/account/activity/not-me')
          .type('form')
          .send({ _csrf: csrfTokenIn(page.text) })
          .expect(303);
      }

      expect((await app.sut.agent().get(`/account/email/confirm?token=${token}`)).status).toBe(400);
    });

    it('asks for at most 5 changes an hour per account: the sixth gets 429', async () => {
      const { account, agent } = await signedIn();
      for (let i = 0; i < 5; i++) {
        await askChange(agent, account, aRegistration().email);
      }

      const res = await send(agent, 'email', {
        email: aRegistration().email,
        currentPassword: account.password,
      });

      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('refuses a wrong current password, its own address, a taken one and a bad one, each by its field', async () => {
      const other = await register(app.sut.agent());
      const { account, agent } = await signedIn();
      const cases: [Record<string, string>, string, string][] = [
        [
          { email: aRegistration().email, currentPassword: 'wrong-password-1' },
          'email-currentPassword',
          WRONG_CURRENT,
        ],
        [
          { email: account.email, currentPassword: account.password },
          'email',
          'That is already your address.',
        ],
        [
          { email: other.email, currentPassword: account.password },
          'email',
          'Email already registered!',
        ],
        [
          { email: 'not-an-address', currentPassword: account.password },
          'email',
          'Please enter a valid email address',
        ],
        [{ email: aRegistration().email }, 'email-currentPassword', 'Current password is required'],
      ];

      for (const [fields, field, message] of cases) {
        const res = await send(agent, 'email', fields);
        expect(res.status).toBe(422);
        expect(fieldErrors(res.text, field)).toBe(message);
      }
      expect((await userRow(await idOf(account.email))).email).toBe(account.email);
    });

    it('kills a pending verification link of the old address', async () => {
      const { account, agent } = await signedIn();
      const verify = tokenIn(
        await nextMailTo(app.smtp, account.email, 'Confirm your email address'),
        '/verify-email',
      );
      const to = aRegistration().email;

      await pressButton(agent, '/account/email/confirm', await askChange(agent, account, to));

      expect((await app.sut.agent().get(`/verify-email?token=${verify}`)).status).toBe(400);
    });
  });

  describe('downloading one’s data', () => {
    it('gives a JSON file of the account, its sessions and its activity, with no secret', async () => {
      const { account, agent } = await signedIn();
      const other = app.sut.agent();
      await logIn(other, account.email, account.password);
      const id = await idOf(account.email);
      const secrets = await app.sut.sql<{ id: string; handle: string }[]>(
        'SELECT id, handle FROM sessions WHERE user_id = ?',
        [id],
      );
      const [{ hash }] = await app.sut.sql<{ hash: string }[]>(
        'SELECT password_hash AS hash FROM users WHERE id = ?',
        [id],
      );

      const res = await send(agent, 'export', { currentPassword: account.password });

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(
          `^attachment; filename="nest-auth-${account.username}-\\d{4}-\\d\\d-\\d\\d\\.json"$`,
        ),
      );
      const data = JSON.parse(res.text) as {
        account: Record<string, unknown>;
        sessions: { thisDevice: boolean }[];
        passkeys: unknown[];
        activity: { description: string }[];
      };
      expect(data.account).toMatchObject({
        username: account.username,
        email: account.email,
        emailVerified: false,
        passwordChangedAt: null,
        twoFactorEnabledAt: null,
      });
      expect(data.passkeys).toEqual([]);
      expect(data.sessions).toHaveLength(2);
      expect(data.sessions.filter((session) => session.thisDevice)).toHaveLength(1);
      expect(data.activity.map(({ description }) => description)).toEqual([
        'Signed in',
        'Signed in',
        'Account created',
      ]);
      for (const secret of [...secrets.flatMap((row) => [row.id, row.handle]), hash]) {
        expect(res.text).not.toContain(secret);
      }
      expect(res.text).not.toContain(account.password);
      // The download itself is on the activity page.
      const page = (await agent.get('/account/activity').expect(200)).text;
      expect(page).toContain('Data downloaded');
    });

    it('asks for the current password: a wrong one gets 422 by its field, and no data', async () => {
      const { account, agent } = await signedIn();

      const res = await send(agent, 'export', { currentPassword: 'not-my-password' });

      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(fieldErrors(res.text, 'export-currentPassword')).toBe(WRONG_CURRENT);
      expect(res.text).not.toContain('"sessions"');
      expect(res.text).toContain(account.email);
    });

    it('is not for a signed-out visitor', async () => {
      const res = await postSignedOut(app.sut.agent(), '/account/export', {
        currentPassword: 'whatever-password',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2Faccount%2Fexport');
    });
  });

  describe('deleting the account', () => {
    it('refuses a wrong current password and keeps everything', async () => {
      const { account, agent } = await signedIn();

      const res = await send(agent, 'delete', { currentPassword: 'not-my-password' });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, 'delete-currentPassword')).toBe(WRONG_CURRENT);
      expect(await idOf(account.email)).toBeDefined();
      expect(await signedInNow(agent)).toBe(true);
    });

    it('deletes the account with its sessions, tokens and activity, signs out, and says goodbye', async () => {
      const { account, agent } = await signedIn();
      const other = app.sut.agent();
      await logIn(other, account.email, account.password);
      const id = await idOf(account.email);
      expect(await app.sut.countRows('tokens', 'user_id = ?', [id])).toBeGreaterThan(0);

      const res = await send(agent, 'delete', { currentPassword: account.password });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(await alertsOn(agent, '/login')).toEqual(['info: Your account has been deleted.']);
      expect(await idOf(account.email)).toBeUndefined();
      expect(await signedInNow(agent)).toBe(false);
      expect(await signedInNow(other)).toBe(false);
      expect(await app.sut.countRows('sessions', 'user_id = ?', [id])).toBe(0);
      expect(await app.sut.countRows('tokens', 'user_id = ?', [id])).toBe(0);
      const events = await app.sut.sql<unknown[]>(
        'SELECT id FROM account_events WHERE user_id = ?',
        [id],
      );
      expect(events).toEqual([]);
      const goodbye = await nextMailTo(app.smtp, account.email, 'Your account was deleted');
      expect(hrefsIn(goodbye)).toEqual([]);
      // The address is free again.
      await register(app.sut.agent(), aRegistration({ email: account.email }));
    });
  });

  describe('with LOCKOUT_THRESHOLD=3', () => {
    const locking = useAppWithMailbox({ LOCKOUT_THRESHOLD: '3' });

    it('counts wrong current passwords towards the account’s lockout, as failed sign-ins', async () => {
      const account = await register(locking.sut.agent());
      const agent = locking.sut.agent();
      await logIn(agent, account.email, account.password);
      const wrong = async () => {
        const page = await agent.get('/account').expect(200);
        return agent
          .post('/account/delete')
          .type('form')
          .send({
            _csrf: csrfTokenIn(page.text),
            currentPassword: 'not-my-password',
          });
      };

      for (let i = 0; i < 3; i++) {
        expect((await wrong()).status).toBe(422);
      }
      const locked = await wrong();

      expect(locked.status).toBe(429);
      expect(locked.headers['retry-after']).toBeDefined();
      expect(locked.text).toContain('This account is locked after too many failed sign-ins.');
      expect((await logIn(locking.sut.agent(), account.email, account.password)).status).toBe(429);
    });
  });
});
