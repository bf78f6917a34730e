import request from 'supertest';
import { csrfTokenIn, logIn, register, sessionCookie } from './helpers/forms';
import { startTestApp, TEST_SECRET, TestApp } from './helpers/test-app';

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

describe('Session cookie', () => {
  it('in development: sid, HttpOnly, SameSite=Lax, Path=/, not Secure, no Domain', async () => {
    const sut = await startTestApp();
    try {
      const res = await request(sut.app.getHttpServer()).get('/login').expect(200);
      const [cookie] = res.headers['set-cookie'] as unknown as string[];
      expect(cookie).toMatch(/^sid=s%3A[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    } finally {
      await sut.cleanup();
    }
  });

  it('in development behind a proxy that says HTTPS: __Host-sid and Secure', async () => {
    const sut = await startTestApp({ TRUST_PROXY: 'loopback' });
    try {
      const res = await request(sut.app.getHttpServer())
        .get('/login')
        .set('X-Forwarded-Proto', 'https')
        .expect(200);
      const [cookie] = res.headers['set-cookie'] as unknown as string[];
      expect(cookie).toMatch(/^__Host-sid=s%3A[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
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
      });
    });

    afterAll(() => sut.cleanup());

    it('over HTTPS: __Host-sid, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
      const res = await request(sut.app.getHttpServer())
        .get('/login')
        .set('X-Forwarded-Proto', 'https')
        .expect(200);
      const [cookie] = res.headers['set-cookie'] as unknown as string[];
      expect(cookie).toMatch(/^__Host-sid=s%3A[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    });

    it('over plain HTTP: no cookie at all', async () => {
      const res = await request(sut.app.getHttpServer()).get('/login').expect(200);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });
});

describe('Cross-site requests', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  const postLogin = async (headers: Record<string, string>) => {
    const account = await register(sut.agent());
    const agent = sut.agent();
    const token = csrfTokenIn((await agent.get('/login').expect(200)).text);
    const res = await agent
      .post('/login')
      .set(headers)
      .type('form')
      .send({ _csrf: token, email: account.email, password: account.password });
    return res;
  };

  it.each([
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['Origin: null', { Origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
  ])('%s is refused even with a valid token', async (_name, headers) => {
    const res = await postLogin(headers);
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form has expired');
    expect(
      sut
        .logs()
        .some((line) => line.event === 'malicious_csrf' && line.reason === 'cross_site_origin'),
    ).toBe(true);
  });

  it('the same origin and same-origin fetch metadata are accepted', async () => {
    const account = await register(sut.agent());
    const agent = sut.agent();
    const token = csrfTokenIn(
      (await agent.get('/login').set('Host', 'auth.test').expect(200)).text,
    );
    const res = await agent
      .post('/login')
      .set({ Host: 'auth.test', Origin: 'http://auth.test', 'Sec-Fetch-Site': 'same-origin' })
      .type('form')
      .send({ _csrf: token, email: account.email, password: account.password });
    expect(res.status).toBe(303);
  });
});

describe('Odd methods', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  it.each(['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    '%s answers 405, with no CORS headers',
    async (method) => {
      const res = await request(sut.app.getHttpServer())
        [method.toLowerCase() as 'get']('/login')
        .set('Origin', 'https://elsewhere.example')
        .expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    },
  );
});

describe('Audit log', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  it('names each security event with the user, IP, request id and UTC time, and never a secret', async () => {
    const agent = sut.agent();
    const account = await register(agent);
    await logIn(sut.agent(), account.email, 'wrong-password');
    const signIn = await logIn(agent, account.email, account.password);
    const sessionId = sessionIdOf(sessionCookie(signIn) as string);
    const home = await agent.get('/').expect(200);
    const token = csrfTokenIn(home.text);
    await agent.post('/logout').type('form').send({ _csrf: 'forged' }).expect(403);
    await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);

    const events = sut.logs().filter((line) => line.event);
    const named = (event: string) => events.filter((line) => line.event === event);
    const [user] = await sut.sql<{ id: number; hash: string }[]>(
      'SELECT id, password_hash AS hash FROM users WHERE email = ?',
      [account.email],
    );
    expect(named('user_created')).toEqual([expect.objectContaining({ userId: user.id })]);
    expect(named('authn_login_fail')).toEqual([
      expect.objectContaining({ email: account.email, userId: user.id }),
    ]);
    expect(named('authn_login_success')).toEqual([expect.objectContaining({ userId: user.id })]);
    expect(named('session_created')).toEqual([expect.objectContaining({ userId: user.id })]);
    expect(named('malicious_csrf')).toEqual([
      expect.objectContaining({ userId: user.id, reason: 'bad_token' }),
    ]);
    expect(named('session_destroyed')).toEqual([expect.objectContaining({ userId: user.id })]);
    for (const line of events) {
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(line.ip).toMatch(/127\.0\.0\.1/);
      expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }

    const everything = sut
      .logs()
      .map((line) => JSON.stringify(line))
      .join('\n');
    for (const secret of [account.password, user.hash, sessionId, token, TEST_SECRET]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('logs each request once, with its id, and answers with the id in X-Request-Id', async () => {
    const res = await request(sut.app.getHttpServer()).get('/login?email=x%40y.z').expect(200);
    const id = res.headers['x-request-id'];
    const lines = sut.logs().filter((line) => (line.req as { id?: string } | undefined)?.id === id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      req: { method: 'GET', path: '/login' },
      res: { statusCode: 200 },
    });
    expect(JSON.stringify(lines[0])).not.toContain('x%40y.z');
  });

  it('a crafted path cannot forge a log line', async () => {
    const before = sut.logs().length;
    await request(sut.app.getHttpServer()).get(
      '/x%0A%7B%22event%22%3A%22authn_login_success%22%7D%0D%0A',
    );
    const added = sut.logs().slice(before);
    expect(added.some((line) => line.event === 'authn_login_success')).toBe(false);
  });
});
