import TestAgent from 'supertest/lib/agent';
import { useAppWithMailbox } from './helpers/app-with-mailbox';
import {
  alertsIn,
  aRegistration,
  csrfTokenIn,
  logIn,
  logOut,
  postSignedOut,
  Registration,
  register,
} from './helpers/forms';
import { hrefsIn, nextMailTo, TEST_APP_URL, tokenIn } from './helpers/mail';
import type { TestSmtpServer } from './helpers/smtp-server';

const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const FIREFOX_141_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0';
const CHROME_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const NEW_SIGN_IN = 'New sign-in to your account';

/** One event as the page lists it: what happened, then "time · device · IP". */
interface Listed {
  what: string;
  device: string;
  ip: string;
}

function listedOn(html: string): Listed[] {
  return [...html.matchAll(/<li class="activity[^"]*">([\s\S]*?)<\/li>/g)].map(([, item]) => {
    const [what, details] = [...item.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/g)].map(([, text]) =>
      text
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    const [, device, ip] = details.split(' · ');
    return { what, device, ip };
  });
}

/** Whether a mail with `subject` for `to` arrived (or arrives within a short wait). */
async function mailArrives(smtp: TestSmtpServer, to: string, subject: string): Promise<boolean> {
  return nextMailTo(smtp, to, subject, 1_500).then(
    () => true,
    () => false,
  );
}

describe('Security activity (/account/activity)', () => {
  // Behind a proxy, so that each browser can have its own client IP.
  const app = useAppWithMailbox({ TRUST_PROXY: 'loopback' });

  /** A browser of its own: its User-Agent, and its client IP through the trusted proxy. */
  const browser = (userAgent = FIREFOX_ON_LINUX, ip = '203.0.113.7'): TestAgent =>
    app.sut.agent().set('User-Agent', userAgent).set('X-Forwarded-For', ip);

  async function signedIn(account: Registration, agent = browser()): Promise<TestAgent> {
    expect((await logIn(agent, account.email, account.password)).status).toBe(303);
    return agent;
  }

  const activityOf = async (agent: TestAgent) =>
    listedOn((await agent.get('/account/activity').expect(200)).text);

  it('sends a signed-out visitor to the login page', async () => {
    const res = await app.sut.agent().get('/account/activity').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Faccount%2Factivity');
  });

  it('lists the account’s own events, newest first, with device and IP', async () => {
    const account = await register(browser(), aRegistration());
    const other = await register(browser());
    await logIn(browser(CHROME_ON_WINDOWS, '198.51.100.9'), account.email, 'wrong-password-1');
    await logIn(browser(), other.email, 'wrong-password-1');
    const first = await signedIn(account, browser(FIREFOX_ON_LINUX, '203.0.113.7'));
    await logOut(first);
    const agent = await signedIn(account, browser(CHROME_ON_WINDOWS, '198.51.100.9'));

    const listed = await activityOf(agent);

    expect(listed).toEqual([
      { what: 'Signed in', device: 'Chrome 131 on Windows', ip: '198.51.100.9' },
      { what: 'Signed out', device: 'Firefox 140 on Linux', ip: '203.0.113.7' },
      { what: 'Signed in', device: 'Firefox 140 on Linux', ip: '203.0.113.7' },
      {
        what: 'Failed sign-in: wrong password',
        device: 'Chrome 131 on Windows',
        ip: '198.51.100.9',
      },
      { what: 'Account created', device: 'Firefox 140 on Linux', ip: '203.0.113.7' },
    ]);
    const page = (await agent.get('/account/activity').expect(200)).text;
    expect(page).toContain('<title>Security activity · Nest Auth</title>');
    expect(page).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+Z" data-local>/);
  });

  it('says what each change was: password, username, address, sessions ended', async () => {
    const account = await register(browser());
    const agent = await signedIn(account);
    const elsewhere = await signedIn(account, browser(CHROME_ON_WINDOWS));
    const send = async (path: string, fields: Record<string, string>) => {
      const page = await agent.get('/account').expect(200);
      return agent
        .post(path)
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text), ...fields })
        .expect(303);
    };
    await send('/account/username', { username: 'Renamed' });
    await send('/account/password', {
      currentPassword: account.password,
      password: 'a-brand-new-passphrase-7',
      confirmPassword: 'a-brand-new-passphrase-7',
    });
    expect((await elsewhere.get('/')).status).toBe(303);

    const whats = (await activityOf(agent)).map(({ what }) => what);

    expect(whats.slice(0, 3)).toEqual([
      'Password changed in the account settings',
      'Other sessions ended by a password change',
      'Username changed',
    ]);
  });

  /** The events kept of the account with `email`, oldest first. */
  const eventsOf = (email: string) =>
    app.sut.sql<{ event: string }[]>(
      'SELECT e.event FROM account_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? ORDER BY e.id',
      [email],
    );

  /** Waits (up to 5 s) until `check` holds: failed sign-ins are stored after their answer. */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 100 && !(await check()); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await check()).toBe(true);
  }

  it('keeps nothing for a failed sign-in with an address that has no account', async () => {
    const account = await register(browser());
    const count = async () =>
      Number(
        (await app.sut.sql<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM account_events'))[0]
          .n,
      );
    const before = await count();

    await logIn(browser(), 'nobody-here@example.com', 'wrong-password-1');
    // A failure for an existing account, sent after it: once it is kept, the first is done too.
    await logIn(browser(), account.email, 'wrong-password-1');
    await eventually(async () => (await eventsOf(account.email)).length === 2);

    expect(await count()).toBe(before + 1);
  });

  it('keeps the newest 100 events of each account, and deletes the older ones', async () => {
    const account = await register(browser());
    const agent = await signedIn(account);
    const [{ id }] = await app.sut.sql<{ id: number }[]>('SELECT id FROM users WHERE email = ?', [
      account.email,
    ]);
    for (let i = 0; i < 120; i++) {
      await app.sut.sql(
        'INSERT INTO account_events (user_id, event, reason, created_at) VALUES (?, ?, ?, ?)',
        [id, 'user_updated', 'username_changed', Date.now() - 60_000],
      );
    }

    // The next event kept for the account deletes the older ones.
    await logOut(agent);

    const events = await eventsOf(account.email);
    expect(events).toHaveLength(100);
    expect(events.at(-1)).toEqual({ event: 'session_destroyed' });
    const listed = await activityOf(await signedIn(account));
    expect(listed).toHaveLength(100);
    expect(listed.slice(0, 2).map(({ what }) => what)).toEqual(['Signed in', 'Signed out']);
  });

  it('keeps failed sign-ins apart (the newest 50): a flood of them pushes out no sign-in', async () => {
    const account = await register(browser());
    await signedIn(account, browser(CHROME_ON_WINDOWS));
    const [{ id }] = await app.sut.sql<{ id: number }[]>('SELECT id FROM users WHERE email = ?', [
      account.email,
    ]);
    for (let i = 0; i < 120; i++) {
      await app.sut.sql(
        'INSERT INTO account_events (user_id, event, reason, created_at) VALUES (?, ?, ?, ?)',
        [id, 'authn_login_fail', null, Date.now() - 60_000],
      );
    }

    await logIn(browser(), account.email, 'wrong-password-1');
    await eventually(async () => (await eventsOf(account.email)).length === 52);

    const kinds = (await eventsOf(account.email)).map(({ event }) => event);
    expect(kinds.slice(0, 2)).toEqual(['user_created', 'session_created']);
    expect(kinds.filter((event) => event === 'authn_login_fail')).toHaveLength(50);
    // The Chrome sign-in is still known: signing in with it again is no news.
    await signedIn(account, browser(CHROME_ON_WINDOWS));
    expect(await mailArrives(app.smtp, account.email, NEW_SIGN_IN)).toBe(false);
  });

  describe('“This wasn’t me”', () => {
    it('ends every session, this one too, mails a reset link, and says so on the login page', async () => {
      const account = await register(browser());
      const agent = await signedIn(account);
      const intruder = await signedIn(account, browser(CHROME_ON_WINDOWS, '192.0.2.66'));
      const page = await agent.get('/account/activity').expect(200);

      const res = await agent
        .post('/account/activity/not-me')
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text) });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(alertsIn((await agent.get('/login').expect(200)).text)).toEqual([
        `warning: Every device has been signed out of your account, this one too. We have sent ${account.email} a link to choose a new password: please do it now.`,
      ]);
      expect((await agent.get('/')).status).toBe(303);
      expect((await intruder.get('/')).status).toBe(303);
      const mail = await nextMailTo(app.smtp, account.email, 'Reset your password');
      expect(tokenIn(mail, '/reset-password')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const back = await signedIn(account);
      expect((await activityOf(back)).slice(0, 3).map(({ what }) => what)).toEqual([
        'Signed in',
        'Password reset link sent',
        'Every session ended: “This wasn’t me”',
      ]);
    });

    it('refuses a form without its CSRF token and a signed-out visitor', async () => {
      const account = await register(browser());
      const agent = await signedIn(account);

      await agent.post('/account/activity/not-me').type('form').send({}).expect(403);
      expect((await agent.get('/')).status).toBe(200);
      const res = await postSignedOut(app.sut.agent(), '/account/activity/not-me');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2Faccount%2Factivity%2Fnot-me');
    });
  });

  describe('the new-device mail', () => {
    it('is not sent for the first sign-in, nor for a device the account has used', async () => {
      const account = await register(browser());
      await signedIn(account, browser(FIREFOX_ON_LINUX));
      await signedIn(account, browser(FIREFOX_141_ON_LINUX, '198.51.100.1'));

      expect(await mailArrives(app.smtp, account.email, NEW_SIGN_IN)).toBe(false);
    });

    it('is sent for a sign-in from a kind of device the account has not used, with device, IP, time and the activity link', async () => {
      const account = await register(browser());
      await signedIn(account, browser(FIREFOX_ON_LINUX));

      await signedIn(account, browser(CHROME_ON_WINDOWS, '198.51.100.23'));

      const mail = await nextMailTo(app.smtp, account.email, NEW_SIGN_IN);
      expect(mail.text).toContain('Chrome 131 on Windows');
      expect(mail.text).toContain('198.51.100.23');
      expect(mail.text).toMatch(/\d\d:\d\d:\d\d GMT/);
      expect(new Set(hrefsIn(mail))).toEqual(new Set([`${TEST_APP_URL}/account/activity`]));
    });
  });

  describe('with LOCKOUT_THRESHOLD=2', () => {
    const locking = useAppWithMailbox({ LOCKOUT_THRESHOLD: '2' });

    it('keeps the lockout for the locked account', async () => {
      const account = await register(locking.sut.agent());
      for (let i = 0; i < 3; i++) {
        await logIn(locking.sut.agent(), account.email, 'wrong-password-1');
      }

      const kept = () =>
        locking.sut.sql<{ event: string }[]>(
          'SELECT e.event FROM account_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? ORDER BY e.id',
          [account.email],
        );
      // Failures and lockouts are kept after their answer.
      let events = await kept();
      for (let attempt = 0; attempt < 100 && events.length < 4; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        events = await kept();
      }
      expect(events.map(({ event }) => event)).toEqual([
        'user_created',
        'authn_login_fail',
        'authn_login_fail',
        'authn_login_lock',
      ]);
    });
  });
});
