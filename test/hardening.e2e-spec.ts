import request, { Response } from 'supertest';
import { aRegistration, csrfTokenIn, logIn, register, sessionCookie } from './helpers/forms';
import { PRODUCTION_MAIL, startTestApp, TEST_SECRET, TestApp } from './helpers/test-app';

const sessionIdOf = (cookie: string) =>
  decodeURIComponent(cookie)
    .replace(/^[^=]+=s:/, '')
    .split('.')[0];

describe('Password hashes', () => {
  it('are upgraded at the next sign-in when BCRYPT_COST is raised', async () => {
    const first = await startTestApp({ BCRYPT_COST: '4' });
    const account = await register(first.agent());
    const hashOf = async (sut: TestApp) =>
      (
        await sut.sql<{ hash: string }[]>(
          'SELECT password_hash AS hash FROM users WHERE email = ?',
          [account.email],
        )
      )[0].hash;
    expect(await hashOf(first)).toMatch(/^\$2b\$04\$/);
    await first.close();

    const second = await startTestApp({ BCRYPT_COST: '5' }, first);
    try {
      expect((await logIn(second.agent(), account.email, account.password)).status).toBe(303);
      expect(await hashOf(second)).toMatch(/^\$2b\$05\$/);
      expect((await logIn(second.agent(), account.email, account.password)).status).toBe(303);
    } finally {
      await second.cleanup();
    }
  });
});

describe('Session timeouts, enforced on the server', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '2' });
  });

  afterAll(() => sut.cleanup());

  async function signedIn() {
    const account = await register(sut.agent());
    const agent = sut.agent();
    const cookie = sessionCookie(await logIn(agent, account.email, account.password)) as string;
    return { agent, id: sessionIdOf(cookie) };
  }

  const expiryOf = async (id: string) =>
    Number(
      (await sut.sql<{ e: number }[]>('SELECT expires_at AS e FROM sessions WHERE id = ?', [id]))[0]
        .e,
    );

  it('a request pushes the idle deadline back', async () => {
    const { agent, id } = await signedIn();
    await sut.sql('UPDATE sessions SET expires_at = ? WHERE id = ?', [Date.now() + 5_000, id]);
    await agent.get('/').expect(200);
    expect(await expiryOf(id)).toBeGreaterThan(Date.now() + 29 * 60 * 1000);
  });

  it('a session idle past SESSION_IDLE_MINUTES is over, and says so in the audit log', async () => {
    const { agent, id } = await signedIn();
    await sut.sql('UPDATE sessions SET expires_at = ? WHERE id = ?', [Date.now() - 1, id]);
    await agent.get('/').expect(303);
    const expired = sut
      .logs()
      .filter((line) => line.event === 'session_expired' && line.reason === 'idle');
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.at(-1)).toMatchObject({ ip: expect.any(String), userId: expect.any(Number) });
    expect(await sut.countRows('sessions', 'id = ?', [id])).toBe(0);
  });

  it('a session older than SESSION_ABSOLUTE_HOURS is over, however active', async () => {
    const { agent, id } = await signedIn();
    const [{ data }] = await sut.sql<{ data: string }[]>('SELECT data FROM sessions WHERE id = ?', [
      id,
    ]);
    const session = JSON.parse(data) as { signedInAt: number };
    expect(session.signedInAt).toBeGreaterThan(Date.now() - 60_000);
    session.signedInAt = Date.now() - 2 * 60 * 60 * 1000 - 1000;
    await sut.sql('UPDATE sessions SET data = ? WHERE id = ?', [JSON.stringify(session), id]);

    const res = await agent.get('/').expect(303);
    expect(res.headers.location).toBe('/login?next=%2F');
    expect(
      sut.logs().some((line) => line.event === 'session_expired' && line.reason === 'absolute'),
    ).toBe(true);
    expect(await sut.countRows('sessions', 'id = ?', [id])).toBe(0);
  });
});

describe('Session and form cookies', () => {
  /** The Set-Cookie header of the cookie called `name`, or undefined. */
  const cookieNamed = (res: Response, name: string) =>
    ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));

  /**
   * Registers and signs in through the forms, as a browser at `proto` would (the cookie is
   * passed by hand: the test client keeps no Secure cookie over plain HTTP).
   */
  const signIn = async (sut: TestApp, proto = 'http') => {
    const server = sut.app.getHttpServer();
    const send = async (path: string, fields: Record<string, string>) => {
      const page = await request(server).get(path).set('X-Forwarded-Proto', proto).expect(200);
      const formCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? [])[0];
      const res = await request(server)
        .post(path)
        .set('X-Forwarded-Proto', proto)
        .set('Cookie', formCookie.split(';')[0])
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text), ...fields })
        .expect(303);
      return { page, res };
    };
    const account = aRegistration();
    await send('/register', { ...account });
    return send('/login', { email: account.email, password: account.password });
  };

  it('in development: sid, HttpOnly, SameSite=Lax, Path=/, not Secure, no Domain', async () => {
    const sut = await startTestApp();
    try {
      const { page, res } = await signIn(sut);
      expect(cookieNamed(res, 'sid')).toMatch(/^sid=s%3A[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(cookieNamed(page, 'csrf')).toMatch(/^csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    } finally {
      await sut.cleanup();
    }
  });

  it('in development behind a proxy that says HTTPS: __Host- names and Secure', async () => {
    const sut = await startTestApp({ TRUST_PROXY: 'loopback' });
    try {
      const { page, res } = await signIn(sut, 'https');
      expect(cookieNamed(res, '__Host-sid')).toMatch(
        /^__Host-sid=s%3A[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      expect(cookieNamed(page, '__Host-csrf')).toMatch(
        /^__Host-csrf=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
    } finally {
      await sut.cleanup();
    }
  });

  describe('in production', () => {
    let sut: TestApp;

    beforeAll(async () => {
      sut = await startTestApp({
        NODE_ENV: 'production',
        SESSION_SECRET: TEST_SECRET,
        TRUST_PROXY: 'loopback',
        ...PRODUCTION_MAIL,
      });
    });

    afterAll(() => sut.cleanup());

    it('over HTTPS: __Host-sid, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
      const { res } = await signIn(sut, 'https');
      expect(cookieNamed(res, '__Host-sid')).toMatch(
        /^__Host-sid=s%3A[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
    });

    it('over plain HTTP: no session, and every cookie is Secure (a browser keeps none)', async () => {
      const res = await request(sut.app.getHttpServer()).get('/login').expect(200);
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      expect(cookies.some((cookie) => /sid=/.test(cookie))).toBe(false);
      for (const cookie of cookies) {
        expect(cookie).toMatch(/^__Host-[^;]+;.*; Secure/);
      }
    });
  });
});
