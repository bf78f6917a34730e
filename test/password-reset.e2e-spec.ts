import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import {
  alertsIn,
  aRegistration,
  csrfTokenIn,
  fieldErrors,
  inputValue,
  logIn,
  Registration,
  register,
  submitForm,
} from './helpers/forms';
import { digestOf } from '../src/auth/core/tokens/tokens.service';
import { REFUSED_NEW_PASSWORDS } from './factories/refused-passwords';
import { expireLink, useAppWithMailbox } from './helpers/app-with-mailbox';
import { hrefsIn, linkIn, nextMailTo, TEST_APP_URL, tokenIn } from './helpers/mail';
import { startTestApp, TestApp } from './helpers/test-app';

const SENT = 'If an account uses that address, we have sent it a link to reset the password.';
const EXPIRED = 'This link has expired or was already used';
const NEW_PASSWORD = 'a-brand-new-passphrase-7';
const RESET_MAIL = 'Reset your password';
const CHANGED_MAIL = 'Your password was changed';

/** Whether the answer is the 400 page of a dead reset link, which offers a new one. */
function expectExpiredPage(res: Response): void {
  expect(res.status).toBe(400);
  expect(res.text).toContain(EXPIRED);
  expect(res.text).toContain('href="/forgot-password"');
}

describe('Password reset', () => {
  const app = useAppWithMailbox();

  const forgot = (agent: TestAgent, email: unknown) =>
    submitForm(agent, '/forgot-password', { email } as Record<string, string>);

  /** Asks for a reset link for `account` and returns the token of the mail that comes. */
  async function resetTokenFor(account: Registration): Promise<string> {
    expect((await forgot(app.sut.agent(), account.email)).status).toBe(303);
    return tokenIn(await nextMailTo(app.smtp, account.email, RESET_MAIL), '/reset-password');
  }

  /** Follows the mail's link as a browser would: the form's page, after the redirect. */
  async function openResetForm(agent: TestAgent, token: string): Promise<Response> {
    const link = await agent.get(`/reset-password?token=${token}`).expect(303);
    expect(link.headers.location).toBe('/reset-password');
    return agent.get('/reset-password').expect(200);
  }

  /** Sends the new-password form, with the CSRF token of `page` as `agent` sees it. */
  const sendNewPassword = (
    agent: TestAgent,
    fields: Record<string, string | string[]>,
    page = '/login',
  ) => submitForm(agent, page, fields, '/reset-password');

  const resetWith = (agent: TestAgent, token: string, password = NEW_PASSWORD) =>
    sendNewPassword(agent, { token, password, confirmPassword: password });

  describe('asking for a link (/forgot-password)', () => {
    it('shows a labelled email field, and the login page links to it', async () => {
      const page = await app.sut.agent().get('/forgot-password').expect(200);

      expect(page.text).toContain('<title>Forgot your password? · Nest Auth</title>');
      expect(page.text).toMatch(/<label for="email"[^>]*>Email address<\/label>/);
      expect(page.text).toMatch(
        /<input id="email" name="email" type="email"[^>]*autocomplete="email"/,
      );
      expect(page.text).toContain('action="/forgot-password"');
      const login = await app.sut.agent().get('/login').expect(200);
      expect(login.text).toContain('<a href="/forgot-password">Forgot your password?</a>');
    });

    it('sends a signed-in person home', async () => {
      const account = await register(app.sut.agent());
      const agent = app.sut.agent();
      await logIn(agent, account.email, account.password);

      const res = await agent.get('/forgot-password').expect(303);
      expect(res.headers.location).toBe('/');
    });

    it('mails a link on APP_URL to an address with an account, and says so in words that commit to nothing', async () => {
      const account = await register(app.sut.agent());
      const agent = app.sut.agent();

      // The Host of the request plays no part in the link.
      const form = await agent.get('/forgot-password').set('Host', 'evil.example').expect(200);
      const res = await agent
        .post('/forgot-password')
        .set('Host', 'evil.example')
        .type('form')
        .send({ _csrf: csrfTokenIn(form.text), email: `  ${account.email.toUpperCase()} ` });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(alertsIn((await agent.get('/login').expect(200)).text)).toEqual([`info: ${SENT}`]);

      const mail = await nextMailTo(app.smtp, account.email, RESET_MAIL);
      const link = linkIn(mail, '/reset-password');
      expect(link.origin + link.pathname).toBe(`${TEST_APP_URL}/reset-password`);
      expect(link.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(mail.text).toContain(account.username);
      expect(mail.text).toContain('within 30 minutes');
      expect(mail.text).toContain('because a password reset was asked for this address');
      expect(mail.text).toContain('If you did not ask, ignore this mail');
      expect(mail.html).toContain('Reset your password');
      expect(new Set(hrefsIn(mail))).toEqual(new Set([link.href]));
      expect(mail.text).not.toContain(account.password);
    });

    it('answers an address without an account exactly as one with, and mails nothing', async () => {
      const account = await register(app.sut.agent());
      const answer = async (email: string) => {
        const agent = app.sut.agent();
        const res = await forgot(agent, email);
        const login = await agent.get('/login').expect(200);
        return {
          status: res.status,
          location: res.get('location'),
          body: res.text,
          cookies: ([] as string[])
            .concat(res.headers['set-cookie'] ?? [])
            .map((cookie) => cookie.replace(/Expires=[^;]*/, '')),
          alerts: alertsIn(login.text),
        };
      };
      const unknown = `nobody-${account.email}`;

      const forUnknown = await answer(unknown);
      const forKnown = await answer(account.email);

      expect(forUnknown).toEqual(forKnown);
      expect(forKnown).toMatchObject({
        status: 303,
        location: '/login',
        alerts: [`info: ${SENT}`],
      });
      // The known address gets its mail; by then the unknown one was long looked up.
      await nextMailTo(app.smtp, account.email, RESET_MAIL);
      expect(app.smtp.received.filter(({ envelope }) => envelope.to.includes(unknown))).toEqual([]);
      expect(await app.sut.countRows('tokens', 'user_id NOT IN (SELECT id FROM users)')).toBe(0);
    });

    it.each([
      ['an invalid address', 'not-an-email', 'Please enter a valid email address'],
      ['an empty address', '', 'Please enter a valid email address'],
      [
        'an address of 255 characters',
        `${'a'.repeat(243)}@example.com`,
        'Please enter a valid email address',
      ],
      [
        'an address sent twice',
        ['a@example.com', 'b@example.com'],
        'Email must be sent once, as text',
      ],
    ])(
      'refuses %s with 422 and the message by the field, and sends nothing',
      async (_name, email, message) => {
        const before = await app.sut.countRows('tokens');
        const res = await forgot(app.sut.agent(), email);

        expect(res.status).toBe(422);
        expect(fieldErrors(res.text, 'email')).toBe(message);
        expect(await app.sut.countRows('tokens')).toBe(before);
      },
    );

    it('refuses a field the form does not have, and a missing CSRF token', async () => {
      const agent = app.sut.agent();
      const unknownField = await submitForm(agent, '/forgot-password', {
        email: 'a@example.com',
        isAdmin: 'true',
      });
      expect(unknownField.status).toBe(422);
      expect(unknownField.text).toContain('The form contained a field it does not have');

      const noToken = await agent
        .post('/forgot-password')
        .type('form')
        .send({ email: 'a@example.com' });
      expect(noToken.status).toBe(403);
    });
  });

  describe('following the link (GET /reset-password)', () => {
    it('moves the token out of the address into a cookie, then shows the form with it', async () => {
      const account = await register(app.sut.agent());
      const token = await resetTokenFor(account);
      const agent = app.sut.agent();

      const link = await agent.get(`/reset-password?token=${token}`).expect(303);
      expect(link.headers.location).toBe('/reset-password');
      const cookie = ([] as string[])
        .concat(link.headers['set-cookie'] ?? [])
        .find((value) => value.startsWith('reset='));
      expect(cookie).toMatch(/; Max-Age=1800;/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);

      const form = await agent.get('/reset-password').expect(200);
      expect(form.text).toContain('<title>Choose a new password · Nest Auth</title>');
      expect(inputValue(form.text, 'token')).toBe(token);
      expect(form.text).toMatch(
        /<input id="password" name="password" type="password"[^>]*autocomplete="new-password"/,
      );
      expect(form.text).toMatch(
        /<input id="confirmPassword" name="confirmPassword" type="password"[^>]*autocomplete="new-password"/,
      );
      expect(form.text).toMatch(/<label for="password"[^>]*>New password<\/label>/);
      // Opening the link uses nothing: the form can be opened again.
      await agent.get('/reset-password').expect(200);
      await openResetForm(app.sut.agent(), token);
    });

    it.each([
      ['no token at all', '/reset-password'],
      ['an empty token', '/reset-password?token='],
      ['a made-up token', '/reset-password?token=not-a-token'],
      ['a well-formed token nobody issued', `/reset-password?token=${'A'.repeat(43)}`],
      ['two tokens', `/reset-password?token=${'A'.repeat(43)}&token=${'B'.repeat(43)}`],
    ])('answers 400, offering a new link, for %s', async (_name, path) => {
      expectExpiredPage(await app.sut.agent().get(path));
    });

    it('answers 400 for a tampered, a used and an expired token, and after the account is deleted', async () => {
      const account = await register(app.sut.agent());
      const tampered = await resetTokenFor(account);
      expectExpiredPage(
        await app.sut
          .agent()
          .get(
            `/reset-password?token=${tampered.slice(0, -1)}${tampered.endsWith('A') ? 'B' : 'A'}`,
          ),
      );

      const used = await resetTokenFor(account);
      expect((await resetWith(app.sut.agent(), used)).status).toBe(303);
      await nextMailTo(app.smtp, account.email, CHANGED_MAIL);
      expectExpiredPage(await app.sut.agent().get(`/reset-password?token=${used}`));

      const expired = await resetTokenFor(account);
      await expireLink(app.sut, expired);
      expectExpiredPage(await app.sut.agent().get(`/reset-password?token=${expired}`));

      const orphan = await resetTokenFor(account);
      const agent = app.sut.agent();
      await openResetForm(agent, orphan);
      await app.sut.sql('DELETE FROM users WHERE email = ?', [account.email]);
      expectExpiredPage(await app.sut.agent().get(`/reset-password?token=${orphan}`));
      expectExpiredPage(await agent.get('/reset-password'));
      expect(await app.sut.countRows('tokens', 'digest = ?', [digestOf(orphan)])).toBe(0);
    });

    it('answers 400 once the kept token has expired', async () => {
      const account = await register(app.sut.agent());
      const token = await resetTokenFor(account);
      const agent = app.sut.agent();
      await openResetForm(agent, token);

      await expireLink(app.sut, token);

      expectExpiredPage(await agent.get('/reset-password'));
    });
  });

  describe('choosing the new password (POST /reset-password)', () => {
    it('sets it, uses up the link, sends to /login with a success message, and mails a notice', async () => {
      const account = await register(app.sut.agent());
      const token = await resetTokenFor(account);
      const agent = app.sut.agent();
      const form = await openResetForm(agent, token);

      const res = await agent
        .post('/reset-password')
        .type('form')
        .send({
          _csrf: csrfTokenIn(form.text),
          token: inputValue(form.text, 'token'),
          password: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? [])).toContainEqual(
        expect.stringMatching(/^reset=[^;]*; Path=\/; Expires=Thu, 01 Jan 1970/),
      );
      expect(alertsIn((await agent.get('/login').expect(200)).text)).toEqual([
        'success: Your password has been changed. You can now log in with it.',
      ]);
      expect((await logIn(app.sut.agent(), account.email, account.password)).status).toBe(401);
      expect((await logIn(app.sut.agent(), account.email, NEW_PASSWORD)).status).toBe(303);

      const notice = await nextMailTo(app.smtp, account.email, CHANGED_MAIL);
      expect(notice.text).toContain(account.username);
      expect(notice.text).toContain(
        'Every device that was signed in to the account has been signed out',
      );
      expect(notice.text).toContain('because the password of your account was changed');
      expect(linkIn(notice, '/forgot-password').href).toBe(`${TEST_APP_URL}/forgot-password`);
      expect(notice.text).not.toContain(token);
      expect(notice.text).not.toContain(NEW_PASSWORD);
      expect(notice.html).toContain('Your password was changed');

      // The same link again: used.
      expectExpiredPage(await resetWith(app.sut.agent(), token, 'yet-another-passphrase-8'));
      expect((await logIn(app.sut.agent(), account.email, NEW_PASSWORD)).status).toBe(303);
    });

    it('ends every session of that user, and no one else’s', async () => {
      const account = await register(app.sut.agent());
      const other = await register(app.sut.agent());
      const [phone, laptop, someoneElse] = [app.sut.agent(), app.sut.agent(), app.sut.agent()];
      await logIn(phone, account.email, account.password);
      await logIn(laptop, account.email, account.password);
      await logIn(someoneElse, other.email, other.password);
      await phone.get('/').expect(200);

      const token = await resetTokenFor(account);
      // Sent from a browser signed in as the user: that session ends too.
      const res = await sendNewPassword(
        laptop,
        { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        '/',
      );
      expect(res.status).toBe(303);
      await nextMailTo(app.smtp, account.email, CHANGED_MAIL);

      for (const agent of [phone, laptop]) {
        const home = await agent.get('/');
        expect(home.status).toBe(303);
        expect(home.headers.location).toBe('/login?next=%2F');
      }
      await someoneElse.get('/').expect(200);
      expect(
        await app.sut.countRows('sessions', 'user_id = (SELECT id FROM users WHERE email = ?)', [
          account.email,
        ]),
      ).toBe(0);
    });

    it('an older link is worthless once the password has changed, by any link or any other way', async () => {
      const account = await register(app.sut.agent());
      const older = await resetTokenFor(account);
      const newer = await resetTokenFor(account);

      expect((await resetWith(app.sut.agent(), newer)).status).toBe(303);
      await nextMailTo(app.smtp, account.email, CHANGED_MAIL);

      expectExpiredPage(await app.sut.agent().get(`/reset-password?token=${older}`));
      expectExpiredPage(await resetWith(app.sut.agent(), older, 'another-passphrase-9'));
      expect((await logIn(app.sut.agent(), account.email, NEW_PASSWORD)).status).toBe(303);

      // A change that is not a reset (such as a future settings page) kills links just the same.
      const pending = await resetTokenFor(account);
      const user = await app.sut.usersService.findByEmail(account.email);
      await app.sut.usersService.updatePasswordHash(
        user?.id as number,
        '$2b$04$changedelsewherechangedelsewherechangedelsewher',
      );
      expectExpiredPage(await resetWith(app.sut.agent(), pending));
    });

    it.each([
      ...REFUSED_NEW_PASSWORDS.map(
        ([name, password, message]): [
          string,
          Record<string, string | string[]>,
          string,
          string,
        ] => [name, { password, confirmPassword: password }, 'password', message],
      ),
      [
        'a password with a tab',
        { password: 'violet\tkettle-9', confirmPassword: 'violet\tkettle-9' },
        'password',
        'Password must not contain control characters',
      ],
      [
        'a confirmation that differs',
        { password: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}x` },
        'confirmPassword',
        'Passwords must match!',
      ],
      [
        'a password sent twice',
        { password: [NEW_PASSWORD, NEW_PASSWORD], confirmPassword: NEW_PASSWORD },
        'password',
        'Password must be sent once, as text',
      ],
      ['no password', { confirmPassword: NEW_PASSWORD }, 'password', 'Password is required'],
    ])(
      'refuses %s with 422 by its field, keeping the link working',
      async (_name, fields, field, message) => {
        const account = await register(app.sut.agent());
        const token = await resetTokenFor(account);

        const res = await sendNewPassword(app.sut.agent(), { token, ...fields });

        expect(res.status).toBe(422);
        expect(fieldErrors(res.text, field)).toContain(message);
        expect(inputValue(res.text, 'token')).toBe(token);
        expect(inputValue(res.text, 'password')).toBeUndefined();
        expect((await resetWith(app.sut.agent(), token)).status).toBe(303);
        await nextMailTo(app.smtp, account.email, CHANGED_MAIL);
      },
    );

    let personalNames = 0;

    it.each([
      ['the username', (account: Registration) => account.username],
      ['the email address', (account: Registration) => account.email.toUpperCase()],
      [
        'the part of the address before the @',
        (account: Registration) => account.email.split('@')[0],
      ],
    ])('refuses %s as the new password', async (_name, personal) => {
      personalNames += 1;
      const account = await register(
        app.sut.agent(),
        aRegistration({
          username: `violet.kettle${personalNames}`,
          email: `violet.kettle${personalNames}@example.com`,
        }),
      );
      const token = await resetTokenFor(account);
      const password = personal(account);

      const res = await sendNewPassword(app.sut.agent(), {
        token,
        password,
        confirmPassword: password,
      });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, 'password')).toBe(
        'Password must not be your username or email address',
      );
      await app.sut.agent().get(`/reset-password?token=${token}`).expect(303);
    });

    it.each([
      ['no token', {}],
      ['a made-up token', { token: 'made-up' }],
      ['a token sent twice', { token: ['x', 'y'] }],
      ['an oversized token', { token: 'A'.repeat(4000) }],
    ])('answers 400 for %s, whatever the password', async (_name, fields) => {
      for (const password of [NEW_PASSWORD, 'short']) {
        expectExpiredPage(
          await sendNewPassword(app.sut.agent(), {
            ...fields,
            password,
            confirmPassword: password,
          }),
        );
      }
    });

    it('answers 400 for an expired token, even with a bad password, and changes nothing', async () => {
      const account = await register(app.sut.agent());
      const token = await resetTokenFor(account);
      await expireLink(app.sut, token);

      expectExpiredPage(await resetWith(app.sut.agent(), token));
      expectExpiredPage(await resetWith(app.sut.agent(), token, 'short'));
      expect((await logIn(app.sut.agent(), account.email, account.password)).status).toBe(303);
    });

    it('refuses a body over 8 KB with 413, and a JSON body with 415', async () => {
      const agent = app.sut.agent();
      const html = (await agent.get('/login')).text;
      const big = await agent
        .post('/reset-password')
        .type('form')
        .send({ _csrf: csrfTokenIn(html), token: 'x', password: 'p'.repeat(9000) });
      expect(big.status).toBe(413);
      const json = await agent
        .post('/reset-password')
        .type('json')
        .send({ _csrf: csrfTokenIn(html), token: 'x' });
      expect(json.status).toBe(415);
    });

    it('lets only one of two forms sent at once with one link change the password', async () => {
      const account = await register(app.sut.agent());
      const token = await resetTokenFor(account);

      const results = await Promise.all([
        resetWith(app.sut.agent(), token, 'first-passphrase-111'),
        resetWith(app.sut.agent(), token, 'second-passphrase-222'),
      ]);

      expect(results.map((res) => res.status).sort()).toEqual([303, 400]);
      await nextMailTo(app.smtp, account.email, CHANGED_MAIL);
      const winner = results[0].status === 303 ? 'first-passphrase-111' : 'second-passphrase-222';
      expect((await logIn(app.sut.agent(), account.email, winner)).status).toBe(303);
    });
  });

  it('records the request, the change and a reused link in the audit log, never a token', async () => {
    const account = await register(app.sut.agent());
    const before = app.sut.logs().length;
    const token = await resetTokenFor(account);
    await resetWith(app.sut.agent(), token);
    await nextMailTo(app.smtp, account.email, CHANGED_MAIL);
    await resetWith(app.sut.agent(), token);
    await forgot(app.sut.agent(), `unknown-${account.email}`);
    await app.sut.mail.idle();

    const user = await app.sut.usersService.findByEmail(account.email);
    const events = app.sut
      .logs()
      .slice(before)
      .filter((line) => line.audit)
      .map(({ event, userId, reason }) => ({ event, userId, reason }));
    expect(events).toEqual(
      expect.arrayContaining([
        { event: 'authn_token_created', userId: user?.id, reason: 'password_reset' },
        { event: 'authn_password_change', userId: user?.id, reason: 'password_reset' },
        { event: 'authn_token_reuse', userId: user?.id, reason: 'password_reset' },
      ]),
    );
    expect(events.filter(({ event }) => event === 'authn_token_created')).toHaveLength(1);
  });

  it('never writes a reset token, or the cookie that carries it, to the logs', async () => {
    const account = await register(app.sut.agent());
    const tokens = [await resetTokenFor(account), await resetTokenFor(account)];
    const agent = app.sut.agent();
    const link = await agent.get(`/reset-password?token=${tokens[0]}`).expect(303);
    const cookie = ([] as string[]).concat(link.headers['set-cookie'] ?? []).join(';');
    await agent.get('/reset-password').expect(200);
    await resetWith(app.sut.agent(), tokens[0], 'short');
    await resetWith(agent, tokens[0]);
    await resetWith(app.sut.agent(), tokens[0]);
    await app.sut.agent().get(`/reset-password?token=${tokens[1]}`);
    await nextMailTo(app.smtp, account.email, CHANGED_MAIL);
    await app.sut.mail.idle();

    const logged = JSON.stringify(app.sut.logs());
    expect(logged).toContain('authn_password_change');
    for (const token of tokens) {
      expect(logged).not.toContain(token);
      expect(logged).not.toContain(encodeURIComponent(token));
    }
    expect(logged).not.toContain(decodeURIComponent(cookie.split('reset=')[1].split(';')[0]));
  });
});

describe('Password reset throttling', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({
      THROTTLE_RESET_PER_ADDRESS_PER_HOUR: '2',
      THROTTLE_RESET_PER_NETWORK_PER_HOUR: '6',
    });
  });

  afterAll(() => sut.cleanup());

  const statuses = async (email: string, times: number) => {
    const seen: Response[] = [];
    for (let i = 0; i < times; i++) {
      seen.push(await submitForm(sut.agent(), '/forgot-password', { email }));
    }
    return seen;
  };

  it('limits each address, known or not, alike: 429 with Retry-After, words that tell nothing', async () => {
    const account = await register(sut.agent());

    const known = await statuses(account.email, 3);
    const unknown = await statuses(`nobody-${account.email}`, 3);

    for (const answers of [known, unknown]) {
      expect(answers.map((res) => res.status)).toEqual([303, 303, 429]);
      const refused = answers[2];
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(60);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(refused.text).toMatch(
        /Too many password reset requests for this address\. Please try again in \d+ minutes\./,
      );
    }
    expect(known[2].text.replace(/\d+ minutes/, '')).toBe(
      unknown[2].text.replace(/\d+ minutes/, ''),
    );
    expect(sut.logs().filter((line) => line.reason === 'reset_requests_per_address')).toHaveLength(
      2,
    );
  });

  it('limits each client network, whatever the addresses', async () => {
    // An app of its own: the test above has used this network's requests.
    const fresh = await startTestApp({ THROTTLE_RESET_PER_NETWORK_PER_HOUR: '3' });
    try {
      const answers: number[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push(
          (
            await submitForm(fresh.agent(), '/forgot-password', {
              email: `someone${i}@example.com`,
            })
          ).status,
        );
      }
      expect(answers).toEqual([303, 303, 303, 429]);
      const refused = await submitForm(fresh.agent(), '/forgot-password', {
        email: 'another@example.com',
      });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.text).toContain('Too many password reset requests from your network.');
    } finally {
      await fresh.cleanup();
    }
  });
});
