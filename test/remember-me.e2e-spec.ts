import type { Response } from 'supertest';
import { advanceClock, realClock } from './helpers/clock';
import {
  Registration,
  inputValue,
  logIn,
  logInRemembered,
  register,
  sessionCookie,
  submitForm,
} from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The whole Set-Cookie header of the session cookie, attributes included. */
const setSessionCookie = (res: Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sid='));
/** When the Set-Cookie's Expires attribute says the cookie ends (ms), or undefined. */
const expiresOf = (setCookie: string | undefined) => {
  const expires = /; Expires=([^;]+)/i.exec(setCookie ?? '')?.[1];
  return expires === undefined ? undefined : Date.parse(expires);
};
const sidOf = (cookie: string) => decodeURIComponent(cookie).slice('sid=s:'.length).split('.')[0];

describe('Remember me', () => {
  let sut: TestApp;
  let account: Registration;

  // Short limits, so that a browser session's idle and absolute ends are easy to pass.
  beforeAll(async () => {
    sut = await startTestApp({
      SESSION_IDLE_MINUTES: '1',
      SESSION_ABSOLUTE_HOURS: '1',
      REMEMBER_DAYS: '2',
    });
    account = await register(sut.agent());
  });

  afterEach(realClock);

  afterAll(() => sut.cleanup());

  /** A GET / with this cookie alone, as a browser restarted with it would send it. */
  const home = (cookie: string) => sut.agent().get('/').set('Cookie', cookie);

  it('the login form has a "Remember me" checkbox, unticked', async () => {
    const res = await sut.agent().get('/login').expect(200);

    expect(res.text).toMatch(/<input id="remember" name="remember" type="checkbox" value="on"/);
    expect(res.text).toContain(
      '<label for="remember" class="form-check-label">Remember me</label>',
    );
    expect(res.text).not.toMatch(/name="remember"[^>]*checked/);
  });

  it('without the box, the cookie ends with the browser: no Expires, no Max-Age', async () => {
    const agent = sut.agent();
    const res = await logIn(agent, account.email, account.password);

    expect(res.status).toBe(303);
    expect(setSessionCookie(res)).toMatch(/^sid=s%3A[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect((await agent.get('/').expect(200)).text).toContain('when you close the browser');
  });

  it('with the box, the home page says the browser stays signed in', async () => {
    const agent = sut.agent();
    await logInRemembered(agent, account.email, account.password);

    const home = await agent.get('/').expect(200);

    expect(home.text).toContain('This browser stays signed in, even once closed');
    expect(home.text).not.toContain('when you close the browser');
  });

  it('with the box, the cookie and the session last REMEMBER_DAYS', async () => {
    const before = Date.now();
    const res = await logInRemembered(sut.agent(), account.email, account.password);

    expect(res.status).toBe(303);
    const setCookie = setSessionCookie(res);
    expect(setCookie).toMatch(/^sid=s%3A[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const expires = expiresOf(setCookie) as number;
    // Expires is written to the second.
    expect(expires).toBeGreaterThanOrEqual(before + 2 * DAY - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 2 * DAY);
    const [row] = await sut.sql<{ e: number | string }[]>(
      'SELECT expires_at AS e FROM sessions WHERE id = ?',
      [sidOf(sessionCookie(res) as string)],
    );
    expect(Math.abs(Number(row.e) - expires)).toBeLessThan(1000);
  });

  it('outlives the idle and absolute limits of a browser session, and ends after REMEMBER_DAYS', async () => {
    const browser = sessionCookie(await logIn(sut.agent(), account.email, account.password));
    const remembered = sessionCookie(
      await logInRemembered(sut.agent(), account.email, account.password),
    ) as string;

    advanceClock(5 * MINUTE);
    await home(browser as string).expect(303);
    await home(remembered).expect(200);

    advanceClock(25 * HOUR);
    await home(remembered).expect(200);

    advanceClock(2 * DAY);
    const res = await home(remembered).expect(303);
    expect(res.headers.location).toBe('/login?next=%2F');
    expect(
      sut
        .logs()
        .some((line) => line.event === 'session_expired' && line.reason === 'remember_days'),
    ).toBe(true);
    expect(await sut.countRows('sessions', 'id = ?', [sidOf(remembered)])).toBe(0);
  });

  it('records its requests without moving its end', async () => {
    const res = await logInRemembered(sut.agent(), account.email, account.password);
    const cookie = sessionCookie(res) as string;
    const id = sidOf(cookie);
    const read = async () =>
      (
        await sut.sql<{ e: number | string; seen: number | string }[]>(
          'SELECT expires_at AS e, last_seen_at AS seen FROM sessions WHERE id = ?',
          [id],
        )
      ).map(({ e, seen }) => ({ expiresAt: Number(e), lastSeenAt: Number(seen) }))[0];
    const signedIn = await read();

    advanceClock(10 * HOUR);
    await home(cookie).expect(200);

    const later = await read();
    expect(later.expiresAt).toBe(signedIn.expiresAt);
    expect(later.lastSeenAt).toBeGreaterThanOrEqual(signedIn.lastSeenAt + 10 * HOUR);
  });

  it('keeps the box ticked when the sign-in is refused', async () => {
    const res = await submitForm(sut.agent(), '/login', {
      email: account.email,
      password: 'not-the-password',
      remember: 'on',
    });

    expect(res.status).toBe(401);
    expect(res.text).toMatch(/name="remember"[^>]*checked/);
    expect(inputValue(res.text, 'email')).toBe(account.email);
  });

  it('refuses a remember field sent twice, and signs nobody in', async () => {
    const res = await submitForm(sut.agent(), '/login', {
      email: account.email,
      password: account.password,
      remember: ['on', 'on'],
    });

    expect(res.status).toBe(422);
    expect(res.text).toContain('Remember me must be sent once, as text');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('is recorded as remembered in the audit log', async () => {
    await logInRemembered(sut.agent(), account.email, account.password);

    expect(
      sut
        .logs()
        .filter((line) => line.event === 'session_created')
        .at(-1),
    ).toMatchObject({
      remembered: true,
    });
  });
});

describe('Remember me across restarts and settings', () => {
  it('a cookie signed again with a newer secret keeps its end', async () => {
    const [newest, older] = ['n'.repeat(40), 'o'.repeat(40)];
    const first = await startTestApp({ SESSION_SECRET: older, REMEMBER_DAYS: '30' });
    const account = await register(first.agent());
    const signIn = await logInRemembered(first.agent(), account.email, account.password);
    const end = expiresOf(setSessionCookie(signIn)) as number;
    await first.close();

    const rotating = await startTestApp({ SESSION_SECRET: `${newest},${older}` }, first);
    try {
      // A day later: the session's end has not moved, so neither does the cookie's.
      advanceClock(DAY);
      const res = await rotating
        .agent()
        .get('/')
        .set('Cookie', sessionCookie(signIn) as string)
        .expect(200);
      const again = setSessionCookie(res);
      expect(again).toBeDefined();
      expect(Math.abs((expiresOf(again) as number) - end)).toBeLessThanOrEqual(1000);
    } finally {
      realClock();
      await rotating.cleanup();
    }
  });

  it('a lowered REMEMBER_DAYS shortens the sessions remembered before it', async () => {
    const first = await startTestApp({ REMEMBER_DAYS: '30' });
    const account = await register(first.agent());
    const cookie = sessionCookie(
      await logInRemembered(first.agent(), account.email, account.password),
    ) as string;
    await first.close();

    const lowered = await startTestApp({ REMEMBER_DAYS: '1' }, first);
    try {
      await lowered.agent().get('/').set('Cookie', cookie).expect(200);
      advanceClock(DAY + HOUR);
      await lowered.agent().get('/').set('Cookie', cookie).expect(303);
    } finally {
      realClock();
      await lowered.cleanup();
    }
  });
});
