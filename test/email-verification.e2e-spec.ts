import type { ParsedMail } from 'mailparser';
import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import {
  alertsIn,
  csrfTokenIn,
  inputValue,
  logIn,
  Registration,
  register,
  submitForm,
} from './helpers/forms';
import { askResetLink, expireLink, useAppWithMailbox } from './helpers/app-with-mailbox';
import { hrefsIn, linkIn, nextMailTo, TEST_APP_URL, tokenIn } from './helpers/mail';

const EXPIRED = 'This link has expired or was already used';
const CONFIRMED = 'success: Thank you: your email address is confirmed.';
const CONFIRM_MAIL = 'Confirm your email address';

const hasNotice = (html: string) => html.includes('Please confirm your email address');

function expectExpiredPage(res: Response): void {
  expect(res.status).toBe(400);
  expect(res.text).toContain(EXPIRED);
}

describe('Email verification', () => {
  const app = useAppWithMailbox();

  /** A new account and the verification mail its registration sent. */
  async function registered(): Promise<{ account: Registration; mail: ParsedMail; token: string }> {
    const account = await register(app.sut.agent());
    const mail = await nextMailTo(app.smtp, account.email, CONFIRM_MAIL);
    return { account, mail, token: tokenIn(mail, '/verify-email') };
  }

  /** How many mails `email` has received, once every mail queued has left. */
  const mailsTo = async (email: string) => {
    await app.sut.mail.idle();
    return app.smtp.received.filter(({ envelope }) => envelope.to.includes(email)).length;
  };

  const verifiedAt = async (email: string) =>
    (
      await app.sut.sql<{ verifiedAt: unknown }[]>(
        'SELECT email_verified_at AS "verifiedAt" FROM users WHERE email = ?',
        [email],
      )
    )[0]?.verifiedAt ?? null;

  /** Presses the confirm button: `fields`, with the CSRF token of `page` as `agent` sees it. */
  const confirm = (agent: TestAgent, fields: Record<string, string | string[]>, page = '/login') =>
    submitForm(agent, page, fields, '/verify-email');

  /** Presses "Send the link again" on `from`, as a signed-in browser does. */
  async function resend(agent: TestAgent, from = '/'): Promise<Response> {
    const page = await agent.get(from).expect(200);
    return (
      agent
        .post('/verify-email/resend')
        // supertest listens on a new port for each request: name the host, as a browser would.
        .set('Host', 'app.example.test')
        .set('Referer', `http://app.example.test${from}`)
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text) })
    );
  }

  const signedIn = async (account: Registration) => {
    const agent = app.sut.agent();
    expect((await logIn(agent, account.email, account.password)).status).toBe(303);
    return agent;
  };

  it('registration mails a link on APP_URL that says why it was sent', async () => {
    const { account, mail, token } = await registered();

    expect(mail.subject).toBe('Confirm your email address');
    const link = linkIn(mail, '/verify-email');
    expect(link.href).toBe(`${TEST_APP_URL}/verify-email?token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail.text).toContain(`Welcome, ${account.username}`);
    expect(mail.text).toContain('within 24 hours');
    expect(mail.text).toContain('because an account was made, or a new link was asked for');
    expect(mail.html).toContain('Confirm your email address');
    expect(new Set(hrefsIn(mail))).toEqual(new Set([link.href]));
    expect(mail.text).not.toContain(account.password);
    expect(await verifiedAt(account.email)).toBeNull();
  });

  it('a new account is unverified: every signed-in page asks to confirm, with a button to resend', async () => {
    const { account } = await registered();
    const agent = await signedIn(account);

    for (const path of ['/', '/logout', '/no-such-page']) {
      const page = await agent.get(path);
      expect(hasNotice(page.text)).toBe(true);
      expect(page.text).toContain(`We sent a link to <strong>${account.email}</strong>`);
      expect(page.text).toMatch(
        /<form method="post" action="\/verify-email\/resend"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<button type="submit"[^>]*>Send the link again<\/button>/,
      );
    }
    expect(hasNotice((await app.sut.agent().get('/login')).text)).toBe(false);
  });

  describe('the link (GET /verify-email)', () => {
    it('shows one button that confirms, and confirms nothing by itself', async () => {
      const { account, token } = await registered();

      for (let i = 0; i < 3; i++) {
        const page = await app.sut.agent().get(`/verify-email?token=${token}`).expect(200);
        expect(page.text).toContain('<title>Confirm your email address · Nest Auth</title>');
        expect(page.text).toContain(`<strong>${account.email}</strong>`);
        expect(page.text.match(/<form /g)).toHaveLength(1);
        expect(page.text).toContain('<form method="post" action="/verify-email"');
        expect(inputValue(page.text, 'token')).toBe(token);
        expect(page.text.match(/<button/g)).toHaveLength(1);
        expect(page.text).toContain('Confirm my address</button>');
      }
      expect(await verifiedAt(account.email)).toBeNull();
    });

    it('does not repeat the "please confirm" notice above its own button', async () => {
      const { account, token } = await registered();
      const agent = await signedIn(account);

      const page = await agent.get(`/verify-email?token=${token}`).expect(200);

      expect(hasNotice(page.text)).toBe(false);
    });

    it.each([
      ['no token', '/verify-email'],
      ['an empty token', '/verify-email?token='],
      ['a made-up token', '/verify-email?token=bad'],
      ['a well-formed token nobody issued', `/verify-email?token=${'A'.repeat(43)}`],
      ['two tokens', `/verify-email?token=${'A'.repeat(43)}&token=${'B'.repeat(43)}`],
    ])('answers 400 for %s', async (_name, path) => {
      const res = await app.sut.agent().get(path);
      expectExpiredPage(res);
      expect(res.text).toContain('href="/login"');
    });
  });

  describe('the button (POST /verify-email)', () => {
    it('signed out: verifies the address, uses the link up, and sends to /login', async () => {
      const { account, token } = await registered();
      const agent = app.sut.agent();
      const page = await agent.get(`/verify-email?token=${token}`).expect(200);

      const res = await agent
        .post('/verify-email')
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text), token: inputValue(page.text, 'token') });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(alertsIn((await agent.get('/login')).text)).toEqual([CONFIRMED]);
      expect(await verifiedAt(account.email)).not.toBeNull();
      expectExpiredPage(await app.sut.agent().get(`/verify-email?token=${token}`));
      expectExpiredPage(await confirm(app.sut.agent(), { token }));

      // Signed in from now on, no notice.
      const home = await (await signedIn(account)).get('/').expect(200);
      expect(hasNotice(home.text)).toBe(false);
    });

    it('signed in: verifies, sends home, and the notice is gone at once', async () => {
      const { account, token } = await registered();
      const agent = await signedIn(account);
      expect(hasNotice((await agent.get('/')).text)).toBe(true);

      const res = await confirm(agent, { token }, '/');

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      const home = await agent.get('/').expect(200);
      expect(alertsIn(home.text)).toEqual([CONFIRMED]);
      expect(hasNotice(home.text)).toBe(false);
    });

    it('records user_updated, never the token', async () => {
      const { account, token } = await registered();
      const before = app.sut.logs().length;

      await confirm(app.sut.agent(), { token });

      const user = await app.sut.usersService.findByEmail(account.email);
      const events = app.sut
        .logs()
        .slice(before)
        .filter((line) => line.audit);
      expect(events).toContainEqual(
        expect.objectContaining({
          event: 'user_updated',
          userId: user?.id,
          reason: 'email_verified',
        }),
      );
      expect(JSON.stringify(events)).not.toContain(token);
    });

    it.each([
      ['no token', {}],
      ['a made-up token', { token: 'made-up' }],
      ['a token sent twice', { token: ['x', 'y'] }],
      ['an oversized token', { token: 'A'.repeat(5000) }],
    ])('answers 400 for %s', async (_name, fields) => {
      expectExpiredPage(await confirm(app.sut.agent(), fields));
    });

    it('answers 400 for a tampered or expired token, and after the account is deleted', async () => {
      const { account, token } = await registered();
      const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      expectExpiredPage(await confirm(app.sut.agent(), { token: tampered }));

      await expireLink(app.sut, token);
      expectExpiredPage(await app.sut.agent().get(`/verify-email?token=${token}`));
      expectExpiredPage(await confirm(app.sut.agent(), { token }));
      expect(await verifiedAt(account.email)).toBeNull();

      const other = await registered();
      await app.sut.sql('DELETE FROM users WHERE email = ?', [other.account.email]);
      expectExpiredPage(await app.sut.agent().get(`/verify-email?token=${other.token}`));
      expectExpiredPage(await confirm(app.sut.agent(), { token: other.token }));
    });

    it('answers 400 for a link sent to an address the account no longer has', async () => {
      const { account, token } = await registered();
      await app.sut.sql('UPDATE users SET email = ? WHERE email = ?', [
        `changed-${account.email}`,
        account.email,
      ]);

      expectExpiredPage(await confirm(app.sut.agent(), { token }));
      expect(await verifiedAt(`changed-${account.email}`)).toBeNull();
    });

    it('refuses a password-reset link, and a verification link on the reset page', async () => {
      const { account, token } = await registered();
      const resetToken = await askResetLink(app, account.email);

      expectExpiredPage(await confirm(app.sut.agent(), { token: resetToken }));
      expect((await app.sut.agent().get(`/reset-password?token=${token}`)).status).toBe(400);
      expect(await verifiedAt(account.email)).toBeNull();
    });

    it('needs the CSRF token', async () => {
      const { account, token } = await registered();

      const res = await app.sut.agent().post('/verify-email').type('form').send({ token });

      expect(res.status).toBe(403);
      expect(await verifiedAt(account.email)).toBeNull();
    });
  });

  describe('sending the link again (POST /verify-email/resend)', () => {
    /** Lets the minute since the latest verification mail pass. */
    const aMinuteLater = () => app.sut.sql('DELETE FROM rate_limits');

    it('mails a new link that works, and goes back to the page it was asked from', async () => {
      const { account, token: first } = await registered();
      const agent = await signedIn(account);
      await aMinuteLater();

      const res = await resend(agent, '/logout');

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/logout');
      expect(alertsIn((await agent.get('/logout')).text)).toEqual([
        `info: We have sent a new link to ${account.email}. It works for 24 hours.`,
      ]);
      const second = tokenIn(
        await nextMailTo(app.smtp, account.email, CONFIRM_MAIL),
        '/verify-email',
      );
      expect(second).not.toBe(first);
      expect((await confirm(agent, { token: second }, '/')).status).toBe(303);
      expect(await verifiedAt(account.email)).not.toBeNull();
    });

    it('sends at most one a minute, the registration’s included, and says when to ask again', async () => {
      const { account } = await registered();
      const agent = await signedIn(account);

      const res = await resend(agent);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      const [message] = alertsIn((await agent.get('/')).text);
      expect(message).toMatch(
        /^info: We sent you a link less than a minute ago: .* ask again in \d+ seconds\.$/,
      );
      await aMinuteLater();
      await resend(agent);
      await resend(agent);
      await nextMailTo(app.smtp, account.email, CONFIRM_MAIL);
      expect(await mailsTo(account.email)).toBe(2);
    });

    it('goes home when the Referer is missing or names another site', async () => {
      const { account } = await registered();
      const agent = await signedIn(account);
      const page = await agent.get('/logout');

      for (const referer of [undefined, 'https://evil.example/logout']) {
        const request = agent.post('/verify-email/resend').type('form');
        const res = await (referer ? request.set('Referer', referer) : request).send({
          _csrf: csrfTokenIn(page.text),
        });
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/');
      }
    });

    it('sends nothing to a verified address', async () => {
      const { account, token } = await registered();
      await confirm(app.sut.agent(), { token });
      const agent = await signedIn(account);
      await aMinuteLater();

      await resend(agent);

      expect(alertsIn((await agent.get('/')).text)).toEqual([
        'info: Your email address is already confirmed.',
      ]);
      expect(await mailsTo(account.email)).toBe(1);
    });

    it('is for signed-in people only, with a valid form', async () => {
      const { account } = await registered();
      await aMinuteLater();

      const anonymous = app.sut.agent();
      const login = await anonymous.get('/login');
      const res = await anonymous
        .post('/verify-email/resend')
        .type('form')
        .send({ _csrf: csrfTokenIn(login.text) });
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login\?next=/);

      const agent = await signedIn(account);
      expect((await agent.post('/verify-email/resend').type('form').send({})).status).toBe(403);
      expect(await mailsTo(account.email)).toBe(1);
    });
  });

  it('never writes a verification token to the logs', async () => {
    const { account, token } = await registered();
    const agent = await signedIn(account);
    await app.sut.sql('DELETE FROM rate_limits');
    await resend(agent);
    const second = tokenIn(
      await nextMailTo(app.smtp, account.email, CONFIRM_MAIL),
      '/verify-email',
    );
    await agent.get(`/verify-email?token=${token}`).expect(200);
    await confirm(agent, { token }, '/');
    await confirm(app.sut.agent(), { token });
    await app.sut.agent().get(`/verify-email?token=${second}`);
    await app.sut.mail.idle();

    const logged = JSON.stringify(app.sut.logs());
    expect(logged).toContain('email_verified');
    for (const value of [token, second]) {
      expect(logged).not.toContain(value);
    }
  });
});
