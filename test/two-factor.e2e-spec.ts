import TestAgent from 'supertest/lib/agent';
import { totpCode } from '../src/auth/core/two-factor/totp';
import { useAppWithMailbox } from './helpers/app-with-mailbox';
import { advanceClock, fakeClock, realClock } from './helpers/clock';
import {
  alertsIn,
  aRegistration,
  csrfTokenIn,
  fieldErrors,
  logIn,
  logOut,
  Registration,
  register,
  sessionCookie,
  submitForm,
} from './helpers/forms';
import { nextMailTo } from './helpers/mail';
import { keyOn, recoveryCodesOn, turnOnTwoFactor } from './helpers/two-factor';
import { startTestApp } from './helpers/test-app';

const WRONG_CODE = 'That code is not right. Please try again.';
const ENDED = 'Your sign-in has ended. Please log in again.';
const TOO_MANY = 'Too many wrong codes. Please log in again.';
const STEP = 30_000;

describe('Two-factor sign-in with TOTP and recovery codes', () => {
  const app = useAppWithMailbox();

  afterEach(() => {
    realClock();
  });

  /** A signed-in account that turned two-factor on: its secret and recovery codes. */
  async function withTwoFactor(): Promise<{
    person: Registration;
    browser: TestAgent;
    secret: string;
    codes: string[];
  }> {
    const person = await register(app.sut.agent(), aRegistration());
    const browser = app.sut.agent();
    expect((await logIn(browser, person.email, person.password)).status).toBe(303);
    const { secret, codes } = await turnOnTwoFactor(browser, person.password);
    expect(codes).toHaveLength(10);
    return { person, browser, secret, codes };
  }

  /** A browser whose password was right: it waits at the second step. */
  async function atSecondStep(person: Registration, next?: string): Promise<TestAgent> {
    const browser = app.sut.agent();
    const res = await logIn(browser, person.email, person.password, next);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login/two-factor');
    return browser;
  }

  /**
   * An account with two-factor on, and a browser waiting at its second step with the step's
   * form token; the account's id, to change it meanwhile.
   */
  async function waitingWithTwoFactor(): Promise<{
    secret: string;
    browser: TestAgent;
    token: string;
    id: number;
  }> {
    const { person, secret } = await withTwoFactor();
    const browser = await atSecondStep(person);
    const token = csrfTokenIn((await browser.get('/login/two-factor').expect(200)).text);
    const [{ id }] = await app.sut.sql<{ id: number }[]>('SELECT id FROM users WHERE email = ?', [
      person.email,
    ]);
    return { secret, browser, token, id: Number(id) };
  }

  const sendCode = (browser: TestAgent, code: string) =>
    submitForm(browser, '/login/two-factor', { code });

  const isSignedIn = async (browser: TestAgent) => (await browser.get('/')).status === 200;

  it('offers a key as a QR code and as text, the same one until it is turned on', async () => {
    const person = await register(app.sut.agent(), aRegistration());
    const browser = app.sut.agent();
    await logIn(browser, person.email, person.password);

    const first = await browser.get('/account/two-factor').expect(200);
    const again = await browser.get('/account/two-factor').expect(200);

    expect(first.text).toContain('<svg');
    expect(first.text).toMatch(/role="img" aria-label="QR code/);
    expect(keyOn(first.text)).toMatch(/^[A-Z2-7]{32}$/);
    expect(keyOn(again.text)).toBe(keyOn(first.text));
    expect((await browser.get('/account').expect(200)).text).toMatch(
      /Two-factor sign-in[\s\S]*Off/,
    );
  });

  it('turns on with a right code and the current password; shows 10 recovery codes once; mails a notice', async () => {
    const person = await register(app.sut.agent(), aRegistration());
    const browser = app.sut.agent();
    await logIn(browser, person.email, person.password);
    const secret = keyOn((await browser.get('/account/two-factor')).text);
    const enable = (fields: Record<string, string>) =>
      submitForm(browser, '/account/two-factor', fields, '/account/two-factor/enable');

    const wrongCode = await enable({ code: '000000', currentPassword: person.password });
    const wrongPassword = await enable({
      code: totpCode(secret, Date.now()),
      currentPassword: 'not-my-password',
    });
    const missing = await enable({});

    expect(wrongCode.status).toBe(422);
    expect(fieldErrors(wrongCode.text, 'code')).toContain('That code is not right.');
    expect(wrongPassword.status).toBe(422);
    expect(fieldErrors(wrongPassword.text, 'enable-currentPassword')).toBe(
      'Your current password is not correct.',
    );
    expect(missing.status).toBe(422);
    // Still off, with the same key.
    expect(keyOn(wrongCode.text)).toBe(secret);

    const enabled = await enable({
      code: totpCode(secret, Date.now()),
      currentPassword: person.password,
    });

    expect(enabled.status).toBe(200);
    const codes = recoveryCodesOn(enabled.text);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(enabled.headers['cache-control']).toContain('no-store');
    const page = await browser.get('/account/two-factor').expect(200);
    expect(page.text).toContain('10 unused recovery codes');
    expect(page.text).not.toContain(codes[0]);
    expect(page.text).not.toContain('totp-secret');
    await nextMailTo(app.smtp, person.email, 'Two-factor sign-in is on');
    const logs = JSON.stringify(app.sut.logs());
    expect(logs).not.toContain(secret);
    for (const code of codes) {
      expect(logs).not.toContain(code);
    }
    const [row] = await app.sut.sql<{ secret: string }[]>(
      'SELECT totp_secret AS secret FROM users WHERE email = ?',
      [person.email],
    );
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(secret);
  });

  it('signs in in two steps: the password, then a code, under a new session id, to `next`', async () => {
    const { person, secret } = await withTwoFactor();
    const browser = await atSecondStep(person, '/account');

    // Not signed in yet, and the step tells nothing about the account.
    expect(await isSignedIn(browser)).toBe(false);
    const form = await browser.get('/login/two-factor').expect(200);
    expect(form.text).not.toContain(person.username);
    expect(form.text).not.toContain(person.email);
    const pendingCookie = sessionCookie(await browser.get('/login/two-factor'));

    const wrong = await sendCode(browser, '123456');
    expect(wrong.status).toBe(401);
    expect(fieldErrors(wrong.text, 'code')).toBe(WRONG_CODE);

    const signedIn = await sendCode(browser, totpCode(secret, Date.now() + STEP));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/account');
    expect(sessionCookie(signedIn)).toBeDefined();
    expect(sessionCookie(signedIn)).not.toBe(pendingCookie);
    expect(await isSignedIn(browser)).toBe(true);
  });

  it('accepts each code once, and one step of drift either way but not two', async () => {
    // The clock stands still (for the app too: it runs in this process), so no step ends
    // between a code and its check.
    fakeClock(Date.now());
    const { person, secret } = await withTwoFactor();
    const now = Date.now();

    const early = await atSecondStep(person);
    expect((await sendCode(early, totpCode(secret, now - 2 * STEP))).status).toBe(401);
    expect((await sendCode(early, totpCode(secret, now + 2 * STEP))).status).toBe(401);
    // The code used to turn it on (this step's, or one step on) and older ones are used up: the
    // next step's code is the first that works, once.
    const next = totpCode(secret, now + STEP);
    expect((await sendCode(early, next)).status).toBe(303);

    const replay = await atSecondStep(person);
    expect((await sendCode(replay, next)).status).toBe(401);
    expect((await sendCode(replay, totpCode(secret, now))).status).toBe(401);
  });

  it('signs in with a recovery code, once; the page then counts one fewer', async () => {
    const { person, codes, browser: settings } = await withTwoFactor();

    const first = await atSecondStep(person);
    expect((await sendCode(first, codes[3].toUpperCase().replace('-', ' '))).status).toBe(303);
    expect(await isSignedIn(first)).toBe(true);

    const again = await atSecondStep(person);
    expect((await sendCode(again, codes[3])).status).toBe(401);
    expect((await settings.get('/account/two-factor')).text).toContain('9 unused recovery codes');
    const activity = await settings.get('/account/activity').expect(200);
    expect(activity.text).toContain('Second step of a sign-in: recovery code used');
    expect(activity.text).toContain('Failed second step of a sign-in: wrong code');
  });

  it('ends the attempt after 5 wrong codes: back to /login, and the step is gone', async () => {
    const { person, secret } = await withTwoFactor();
    const browser = await atSecondStep(person);

    for (let attempt = 1; attempt < 5; attempt++) {
      expect((await sendCode(browser, '000000')).status).toBe(401);
    }
    const fifth = await sendCode(browser, '000000');

    expect(fifth.status).toBe(303);
    expect(fifth.headers.location).toBe('/login');
    const login = await browser.get('/login').expect(200);
    expect(alertsIn(login.text)).toContain(`danger: ${TOO_MANY}`);
    const after = await browser.get('/login/two-factor');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login');
    expect(await isSignedIn(browser)).toBe(false);
    // A right code is too late now.
    const token = csrfTokenIn(login.text);
    const late = await browser
      .post('/login/two-factor')
      .type('form')
      .send({ _csrf: token, code: totpCode(secret, Date.now() + STEP) });
    expect(late.status).toBe(303);
    expect(late.headers.location).toBe('/login');
    expect(await isSignedIn(browser)).toBe(false);
  });

  it('ends the step after 5 minutes', async () => {
    const { person, secret } = await withTwoFactor();
    const browser = await atSecondStep(person);
    const token = csrfTokenIn((await browser.get('/login/two-factor').expect(200)).text);

    advanceClock(5 * 60_000 + 1_000);
    const late = await browser
      .post('/login/two-factor')
      .type('form')
      .send({ _csrf: token, code: totpCode(secret, Date.now() + STEP) });

    expect(late.status).toBe(303);
    expect(late.headers.location).toBe('/login');
    expect(alertsIn((await browser.get('/login')).text)).toContain(`info: ${ENDED}`);
    expect(await isSignedIn(browser)).toBe(false);
    const step = await browser.get('/login/two-factor');
    expect([step.status, step.headers.location]).toEqual([303, '/login']);
  });

  it('ends the step when the password changed since it began (a reset, say)', async () => {
    const { secret, browser, token, id } = await waitingWithTwoFactor();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await app.sut.usersService.changePassword(
      id,
      '$2b$04$anotherhashanotherhashanotherhashanotherhashanotherha',
    );

    const late = await browser
      .post('/login/two-factor')
      .type('form')
      .send({ _csrf: token, code: totpCode(secret, Date.now() + STEP) });

    expect([late.status, late.headers.location]).toEqual([303, '/login']);
    expect(alertsIn((await browser.get('/login')).text)).toContain(`info: ${ENDED}`);
    expect(await isSignedIn(browser)).toBe(false);
  });

  it('ends the step when an operator disabled the account meanwhile, a right code too', async () => {
    const { secret, browser, token, id } = await waitingWithTwoFactor();
    await app.sut.usersService.setDisabled(id, true);

    const late = await browser
      .post('/login/two-factor')
      .type('form')
      .send({ _csrf: token, code: totpCode(secret, Date.now() + STEP) });

    expect([late.status, late.headers.location]).toEqual([303, '/login']);
    expect(await isSignedIn(browser)).toBe(false);
  });

  it('without a step waiting, its page and form send the browser to /login', async () => {
    const browser = app.sut.agent();
    const page = await browser.get('/login/two-factor');
    const token = csrfTokenIn((await browser.get('/login')).text);
    const form = await browser
      .post('/login/two-factor')
      .type('form')
      .send({ _csrf: token, code: '123456' });
    const json = await browser
      .post('/login/two-factor')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ _csrf: token, code: '123456' }));

    expect([page.status, page.headers.location]).toEqual([303, '/login']);
    expect([form.status, form.headers.location]).toEqual([303, '/login']);
    expect(json.status).toBe(415);
  });

  it('new recovery codes replace the old ones; turning it off needs the password and mails a notice', async () => {
    const { person, browser, codes } = await withTwoFactor();
    const post = (action: string, fields: Record<string, string>) =>
      submitForm(browser, '/account/two-factor', fields, `/account/two-factor/${action}`);

    const refused = await post('recovery-codes', { currentPassword: 'not-my-password' });
    expect(refused.status).toBe(422);
    expect(fieldErrors(refused.text, 'codes-currentPassword')).toBe(
      'Your current password is not correct.',
    );
    const renewed = await post('recovery-codes', { currentPassword: person.password });
    expect(renewed.status).toBe(200);
    const fresh = recoveryCodesOn(renewed.text);
    expect(fresh).toHaveLength(10);
    await nextMailTo(app.smtp, person.email, 'New recovery codes');
    expect((await sendCode(await atSecondStep(person), codes[0])).status).toBe(401);
    expect((await sendCode(await atSecondStep(person), fresh[0])).status).toBe(303);

    expect((await post('disable', { currentPassword: 'not-my-password' })).status).toBe(422);
    const off = await post('disable', { currentPassword: person.password });
    expect(off.status).toBe(303);
    expect(alertsIn((await browser.get('/account/two-factor')).text)).toContain(
      'success: Two-factor sign-in is off. Signing in asks for your password alone.',
    );
    await nextMailTo(app.smtp, person.email, 'Two-factor sign-in is off');
    const plain = app.sut.agent();
    const signIn = await logIn(plain, person.email, person.password);
    expect(signIn.headers.location).toBe('/');
    expect(await isSignedIn(plain)).toBe(true);
    expect(
      await app.sut.countRows('users', 'email = ? AND totp_secret IS NULL', [person.email]),
    ).toBe(1);
    await logOut(plain);
  });
});

describe('Two-factor sign-in and the lockout', () => {
  it('wrong codes count towards the account lockout, like wrong passwords', async () => {
    const sut = await startTestApp({ LOCKOUT_THRESHOLD: '6' });
    try {
      const person = await register(sut.agent(), aRegistration());
      const settings = sut.agent();
      await logIn(settings, person.email, person.password);
      await turnOnTwoFactor(settings, person.password);

      // One attempt with the password, five with wrong codes: six failures in a row.
      const browser = sut.agent();
      expect((await logIn(browser, person.email, person.password)).status).toBe(303);
      for (let attempt = 0; attempt < 5; attempt++) {
        await submitForm(browser, '/login/two-factor', { code: '000000' });
      }

      const locked = await logIn(sut.agent(), person.email, person.password);
      expect(locked.status).toBe(429);
      expect(locked.text).toContain('This account is locked');
    } finally {
      await sut.cleanup();
    }
  });
});
