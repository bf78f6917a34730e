import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registration, csrfTokenIn, logIn, register, sessionCookie } from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';
import { turnOnTwoFactor } from './helpers/two-factor';
import { sessionSecretFile } from '../src/config/session-secret';

describe('Sessions', () => {
  let sut: TestApp;
  let account: Registration;

  beforeAll(async () => {
    sut = await startTestApp();
    account = await register(sut.agent());
  });

  afterAll(() => sut.cleanup());

  it('keeps sessions in the database, and the cookie holds only a signed id', async () => {
    const before = await sut.countRows('sessions');
    const agent = sut.agent();
    const res = await logIn(agent, account.email, account.password);
    const cookie = sessionCookie(res) as string;

    expect(cookie).toMatch(/^sid=s%3A[\w-]+\.[\w%]+$/);
    expect(decodeURIComponent(cookie)).not.toContain(account.email);
    expect(await sut.countRows('sessions')).toBe(before + 1);
    expect(res.headers['set-cookie']?.[0]).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  describe('POST /logout', () => {
    it('destroys the session on the server and sends to /login with a message', async () => {
      const agent = sut.agent();
      const signIn = await logIn(agent, account.email, account.password);
      const oldCookie = sessionCookie(signIn) as string;
      const oldId = decodeURIComponent(oldCookie).slice('sid=s:'.length).split('.')[0];

      const home = await agent.get('/').expect(200);
      const res = await agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfTokenIn(home.text) });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(sessionCookie(res)).not.toBe(oldCookie);
      expect(await sut.countRows('sessions', 'id = ?', [oldId])).toBe(0);

      const login = await agent.get('/login').expect(200);
      expect(login.text).toContain('You have been logged out.');
      await agent.get('/').expect(303);
    });

    it('replaying the old cookie after sign-out is anonymous', async () => {
      const agent = sut.agent();
      const oldCookie = sessionCookie(
        await logIn(agent, account.email, account.password),
      ) as string;
      const home = await agent.get('/').expect(200);
      await agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfTokenIn(home.text) })
        .expect(303);

      const replay = await sut.agent().get('/').set('Cookie', oldCookie);
      expect(replay.status).toBe(303);
      expect(replay.headers.location).toBe('/login?next=%2F');
    });

    it('the sign-out button in the top bar works from any page', async () => {
      const agent = sut.agent();
      await logIn(agent, account.email, account.password);
      const notFound = await agent.get('/missing').expect(404);
      await agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfTokenIn(notFound.text) })
        .expect(303);
      await agent.get('/').expect(303);
    });
  });

  it('a session whose user no longer exists is anonymous', async () => {
    const doomed = await register(sut.agent());
    const agent = sut.agent();
    await logIn(agent, doomed.email, doomed.password);
    await agent.get('/').expect(200);

    await sut.sql('DELETE FROM users WHERE email = ?', [doomed.email]);

    const res = await agent.get('/').expect(303);
    expect(res.headers.location).toBe('/login?next=%2F');
  });

  it('a session with a malformed user id is anonymous and loads nobody', async () => {
    const agent = sut.agent();
    const cookie = sessionCookie(await logIn(agent, account.email, account.password)) as string;
    const id = decodeURIComponent(cookie).slice('sid=s:'.length).split('.')[0];
    const [{ data }] = await sut.sql<{ data: string }[]>('SELECT data FROM sessions WHERE id = ?', [
      id,
    ]);
    for (const user of [null, '1', { id: 1 }, 1.5]) {
      const tampered = { ...JSON.parse(data), passport: { user } };
      await sut.sql('UPDATE sessions SET data = ? WHERE id = ?', [JSON.stringify(tampered), id]);
      await agent.get('/').expect(303);
    }
  });

  it('an expired session is anonymous', async () => {
    const agent = sut.agent();
    const cookie = sessionCookie(await logIn(agent, account.email, account.password)) as string;
    const id = decodeURIComponent(cookie).slice('sid=s:'.length).split('.')[0];
    await sut.sql('UPDATE sessions SET expires_at = ? WHERE id = ?', [Date.now() - 1, id]);
    await agent.get('/').expect(303);
  });

  it('a forged or unsigned cookie is anonymous', async () => {
    const agent = sut.agent();
    const cookie = sessionCookie(await logIn(agent, account.email, account.password)) as string;
    const id = decodeURIComponent(cookie).slice('sid=s:'.length).split('.')[0];
    await sut.agent().get('/').set('Cookie', `sid=${id}`).expect(303);
    await sut.agent().get('/').set('Cookie', `sid=s%3A${id}.forged`).expect(303);
  });
});

describe('Sessions across a restart', () => {
  it('a signed-in session survives a restart of the application', async () => {
    const first = await startTestApp();
    const account = await register(first.agent());
    const cookie = sessionCookie(
      await logIn(first.agent(), account.email, account.password),
    ) as string;
    await first.close();

    const second = await startTestApp({}, first);
    try {
      const res = await second.agent().get('/').set('Cookie', cookie).expect(200);
      expect(res.text).toContain(`Hello, ${account.username}!`);
    } finally {
      await second.cleanup();
    }
  });

  it('a cookie signed with an older secret is signed again with the newest, so the old one can go', async () => {
    const [newest, older] = ['n'.repeat(40), 'o'.repeat(40)];
    const first = await startTestApp({ SESSION_SECRET: older });
    const account = await register(first.agent());
    const oldCookie = sessionCookie(
      await logIn(first.agent(), account.email, account.password),
    ) as string;
    await first.close();

    const rotating = await startTestApp({ SESSION_SECRET: `${newest},${older}` }, first);
    const res = await rotating.agent().get('/').set('Cookie', oldCookie).expect(200);
    const newCookie = sessionCookie(res) as string;
    expect(newCookie).toBeDefined();
    expect(newCookie).not.toBe(oldCookie);
    // Sent once: a cookie already signed with the newest secret is left alone.
    const again = await rotating.agent().get('/').set('Cookie', newCookie).expect(200);
    expect(sessionCookie(again)).toBeUndefined();
    await rotating.close();

    const rotated = await startTestApp({ SESSION_SECRET: newest }, first);
    try {
      await rotated.agent().get('/').set('Cookie', newCookie).expect(200);
      await rotated.agent().get('/').set('Cookie', oldCookie).expect(303);
    } finally {
      await rotated.cleanup();
    }
  });

  it('without SESSION_SECRET, generates one in the data folder (mode 0600) and keeps it', async () => {
    // On SQLite whatever the suite's engine: the data folder is then the database's own folder.
    const dataDir = mkdtempSync(join(tmpdir(), 'nest-auth-secret-'));
    const env = { SESSION_SECRET: '', DATABASE_URL: `sqlite:${join(dataDir, 'app.db')}` };
    const first = await startTestApp(env);
    const file = sessionSecretFile(first.config);
    expect(file).toBe(join(dataDir, 'session-secret'));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const account = await register(first.agent());
    const cookie = sessionCookie(
      await logIn(first.agent(), account.email, account.password),
    ) as string;
    await first.close();

    const second = await startTestApp(env, first);
    try {
      await second.agent().get('/').set('Cookie', cookie).expect(200);
    } finally {
      await second.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('A redirect that changes the session', () => {
  let sut: TestApp;
  let base: string;
  let account: Registration;
  let writes: number;
  let failWrites: boolean;

  beforeAll(async () => {
    sut = await startTestApp();
    base = await sut.listen();
    account = await register(sut.agent());
    const owner = sut.agent();
    await logIn(owner, account.email, account.password);
    await turnOnTwoFactor(owner, account.password);
    // A store whose writes take a while, as a busy connection pool's can: a request that came
    // before the write ended would not find the session.
    const store = sut.sessionStore;
    const set = store.set.bind(store);
    store.set = (sid, session, callback) => {
      writes += 1;
      if (failWrites) {
        callback?.(new Error('the store is down'));
        return;
      }
      setTimeout(() => set(sid, session, callback), 300);
    };
  });

  beforeEach(() => {
    writes = 0;
    failWrites = false;
  });

  afterAll(() => sut.cleanup());

  it('is sent once the session is saved: a browser that follows at once finds it', async () => {
    const login = await fetch(`${base}/login`);
    const cookies = login.headers.getSetCookie().map((line) => line.split(';')[0]);
    // The password step starts a session that waits for the code, then sends to the code's
    // page. fetch resolves as soon as the head has come, as a browser follows a redirect.
    const passwordStep = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrfTokenIn(await login.text()),
        email: account.email,
        password: account.password,
      }),
    });
    const sid = passwordStep.headers
      .getSetCookie()
      .find((line) => line.startsWith('sid='))
      ?.split(';')[0];

    const codeStep = await fetch(`${base}/login/two-factor`, {
      redirect: 'manual',
      headers: { cookie: [...cookies, sid].join('; ') },
    });

    expect(passwordStep.status).toBe(303);
    expect(passwordStep.headers.get('location')).toBe('/login/two-factor');
    expect(codeStep.status).toBe(200);
    expect(await codeStep.text()).toContain('name="code"');
    await passwordStep.text();
  });

  it('is sent at once, with nothing written, when the session did not change', async () => {
    const agent = sut.agent();
    const other = await register(agent);
    expect((await logIn(agent, other.email, other.password)).status).toBe(303);
    writes = 0;

    // A signed-in browser that opens /login is sent home; its session stays as it was.
    await agent.get('/login').expect(303).expect('Location', '/');

    expect(writes).toBe(0);
  });

  it('is not sent when the session cannot be saved: an error page instead', async () => {
    const agent = sut.agent();
    failWrites = true;

    // The password step's session is first written by the redirect to the code's page.
    const res = await logIn(agent, account.email, account.password);

    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('Something went wrong');
    expect(res.text).not.toContain('the store is down');
  });
});
