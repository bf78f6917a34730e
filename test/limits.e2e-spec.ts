import request from 'supertest';
import { aRegistration, csrfTokenIn, logIn, register, submitForm } from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

/** Sends the login form as a client at `ip` (honoured only when TRUST_PROXY is set). */
async function logInFrom(sut: TestApp, ip: string, email: string, password: string) {
  const agent = sut.agent();
  const page = await agent.get('/login').set('X-Forwarded-For', ip).expect(200);
  return agent
    .post('/login')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ _csrf: csrfTokenIn(page.text), email, password });
}

describe('Sign-in throttling per email and client IP', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ THROTTLE_LOGIN_PER_MINUTE: '3' });
  });

  afterAll(() => sut.cleanup());

  it('after the allowed failures, answers 429 with Retry-After and when to try again', async () => {
    const account = await register(sut.agent());
    for (let i = 0; i < 3; i++) {
      expect((await logIn(sut.agent(), account.email, 'wrong-password')).status).toBe(401);
    }
    const res = await logIn(sut.agent(), account.email, 'wrong-password');
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.text).toMatch(/Too many failed sign-ins\. Please try again in \d+ seconds\./);

    // The right password waits too, and another email from the same client is not affected.
    expect((await logIn(sut.agent(), account.email, account.password)).status).toBe(429);
    const other = await register(sut.agent());
    expect((await logIn(sut.agent(), other.email, other.password)).status).toBe(303);
    expect(sut.logs().some((line) => line.event === 'authn_throttled')).toBe(true);
  });

  it('an unknown email is throttled exactly like a known one', async () => {
    const known = await register(sut.agent());
    const statuses = async (email: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) {
        seen.push((await logIn(sut.agent(), email, 'wrong-password')).status);
      }
      return seen;
    };
    expect(await statuses('nobody-here@example.com')).toEqual(await statuses(known.email));
    expect(await statuses(`other-${known.email}`)).toEqual([401, 401, 401, 429, 429]);
  });

  it('a rotating X-Forwarded-For resets nothing when TRUST_PROXY is unset', async () => {
    const account = await register(sut.agent());
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await logInFrom(sut, `203.0.113.${i}`, account.email, 'wrong')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('a success clears the count', async () => {
    const account = await register(sut.agent());
    for (let i = 0; i < 2; i++) {
      await logIn(sut.agent(), account.email, 'wrong-password');
    }
    expect((await logIn(sut.agent(), account.email, account.password)).status).toBe(303);
    for (let i = 0; i < 3; i++) {
      expect((await logIn(sut.agent(), account.email, 'wrong-password')).status).toBe(401);
    }
  });

  it('the counters hold across a restart', async () => {
    const first = await startTestApp({ THROTTLE_LOGIN_PER_MINUTE: '2' });
    const account = await register(first.agent());
    await logIn(first.agent(), account.email, 'wrong-password');
    await logIn(first.agent(), account.email, 'wrong-password');
    await first.close();

    const second = await startTestApp({ THROTTLE_LOGIN_PER_MINUTE: '2' }, first);
    try {
      expect((await logIn(second.agent(), account.email, account.password)).status).toBe(429);
    } finally {
      await second.cleanup();
    }
  });
});

describe('Sign-in throttling per client network', () => {
  it('bounds what one client can make the server store: after the limit, no new counters', async () => {
    const sut = await startTestApp({ THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '10' });
    try {
      const tryNewEmail = () => logIn(sut.agent(), aRegistration().email, 'not-the-password');
      for (let i = 0; i < 10; i++) {
        expect((await tryNewEmail()).status).toBe(401);
      }
      const stored = await sut.countRows('rate_limits');

      for (let i = 0; i < 20; i++) {
        const res = await tryNewEmail();
        expect(res.status).toBe(429);
        expect(res.text).toContain('Too many sign-ins from your network. Please try again in');
      }
      expect(await sut.countRows('rate_limits')).toBe(stored);
    } finally {
      await sut.cleanup();
    }
  });
});

describe('Account lockout, whatever the client IP', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({
      TRUST_PROXY: 'loopback',
      THROTTLE_LOGIN_PER_MINUTE: '100',
      LOCKOUT_THRESHOLD: '4',
      LOCKOUT_MINUTES: '15',
    });
  });

  afterAll(() => sut.cleanup());

  it('locks after the threshold of failures from many IPs, even for the right password', async () => {
    const account = await register(sut.agent());
    for (let i = 0; i < 4; i++) {
      expect((await logInFrom(sut, `198.51.100.${i}`, account.email, 'wrong')).status).toBe(401);
    }
    const res = await logInFrom(sut, '192.0.2.77', account.email, account.password);
    expect(res.status).toBe(429);
    expect(res.text).toMatch(
      /This account is locked after too many failed sign-ins\. Please try again in 15 minutes\./,
    );
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(14 * 60);

    const locks = sut.logs().filter((line) => line.event === 'authn_login_lock');
    expect(locks).toHaveLength(1);
    expect(locks[0].email).toBe(account.email);

    // When the lock has run out (moved into the past here), the right password works again.
    await sut.sql('UPDATE rate_limits SET reset_at = ?', [Date.now() - 1]);
    expect((await logInFrom(sut, '192.0.2.77', account.email, account.password)).status).toBe(303);
  });

  it('with TRUST_PROXY, the per-IP limit follows X-Forwarded-For', async () => {
    const proxied = await startTestApp({ TRUST_PROXY: 'loopback', THROTTLE_LOGIN_PER_MINUTE: '2' });
    try {
      const account = await register(proxied.agent());
      await logInFrom(proxied, '198.51.100.1', account.email, 'wrong');
      await logInFrom(proxied, '198.51.100.1', account.email, 'wrong');
      expect((await logInFrom(proxied, '198.51.100.1', account.email, 'wrong')).status).toBe(429);
      expect(
        (await logInFrom(proxied, '198.51.100.2', account.email, account.password)).status,
      ).toBe(303);
    } finally {
      await proxied.cleanup();
    }
  });

  it('a success before the threshold resets the consecutive failures', async () => {
    const account = await register(sut.agent());
    for (let i = 0; i < 3; i++) {
      await logInFrom(sut, '198.51.100.9', account.email, 'wrong');
    }
    expect((await logInFrom(sut, '198.51.100.9', account.email, account.password)).status).toBe(
      303,
    );
    for (let i = 0; i < 3; i++) {
      expect((await logInFrom(sut, '198.51.100.9', account.email, 'wrong')).status).toBe(401);
    }
    expect((await logInFrom(sut, '198.51.100.9', account.email, account.password)).status).toBe(
      303,
    );
  });
});

describe('Registration throttling per client IP', () => {
  it('after the allowed registrations in an hour, answers 429 with Retry-After', async () => {
    const sut = await startTestApp({ THROTTLE_REGISTER_PER_HOUR: '2' });
    try {
      expect((await submitForm(sut.agent(), '/register', { ...aRegistration() })).status).toBe(303);
      expect(
        (await submitForm(sut.agent(), '/register', { ...aRegistration({ username: '1bad' }) }))
          .status,
      ).toBe(422);
      const before = await sut.countRows('users');
      const res = await submitForm(sut.agent(), '/register', { ...aRegistration() });
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(59 * 60);
      expect(res.text).toContain('Too many registrations from your network. Please try again in');
      expect(await sut.countRows('users')).toBe(before);
      // The GET of the form is not counted, and still works.
      await request(sut.app.getHttpServer()).get('/register').expect(200);
    } finally {
      await sut.cleanup();
    }
  });
});
