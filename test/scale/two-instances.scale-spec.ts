import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createClient } from 'redis';
import { totpCode } from '../../src/auth/core/two-factor/totp';
import { RedisSessionStore } from '../../src/sessions/redis-session.store';
import { runAccountCli } from '../helpers/account-cli';
import { AppProcess, startAppProcess } from '../helpers/app-process';
import { createPostgresDatabase, TestDatabase } from '../helpers/test-database';
import { Client } from './http-client';
import { emptyRedisDatabase, flushRedis } from './test-redis';

/**
 * Two instances of the app (separate processes and ports) on one PostgreSQL database and one
 * Redis, as behind a load balancer: the app scales out by configuration alone.
 */
describe('Two instances on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  let redisUrl: string;
  let env: NodeJS.ProcessEnv;
  let a: AppProcess;
  let b: AppProcess;
  let sequence = 0;

  const account = () => {
    sequence += 1;
    return {
      username: `scaler${sequence}`,
      email: `scaler${sequence}@example.com`,
      password: 'correct-horse-battery-staple',
    };
  };
  const register = async (app: AppProcess, who = account()) => {
    const res = await new Client().submit(app.url, '/register', {
      ...who,
      confirmPassword: who.password,
    });
    expect(res.status).toBe(303);
    return who;
  };
  const logIn = (client: Client, app: AppProcess, email: string, password: string) =>
    client.submit(app.url, '/login', { email, password });

  beforeAll(async () => {
    database = await createPostgresDatabase();
    redisUrl = await emptyRedisDatabase();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      // Slow enough that a sign-in is still running when SIGTERM arrives (last test).
      BCRYPT_COST: '10',
      LOCKOUT_THRESHOLD: '3',
      THROTTLE_LOGIN_PER_MINUTE: '100',
      THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '10000',
      THROTTLE_REGISTER_PER_HOUR: '1000',
    };
    // One after the other, as a deploy would: the first applies the migrations.
    a = await startAppProcess(env);
    b = await startAppProcess(env);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    await flushRedis(redisUrl);
  });

  it('each reports both dependencies in /healthz', async () => {
    for (const app of [a, b]) {
      const res = await fetch(`${app.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
    }
  });

  it('registered on A, signs in on B; the cookie from B works on A', async () => {
    const who = await register(a);
    const client = new Client();
    const signIn = await logIn(client, b, who.email, who.password);
    expect(signIn.status).toBe(303);

    const home = await client.get(`${a.url}/`);
    expect(home.status).toBe(200);
    expect(home.text).toContain(`Hello, ${who.username}!`);
  });

  it('signing out on A ends the session on B', async () => {
    const who = await register(b);
    const client = new Client();
    await logIn(client, b, who.email, who.password);
    const cookie = client.cookie as string;
    expect((await new Client(cookie).get(`${b.url}/`)).status).toBe(200);

    const signOut = await client.submit(a.url, '/', {}, '/logout');
    expect(signOut.status).toBe(303);

    const onB = await new Client(cookie).get(`${b.url}/`);
    expect(onB.status).toBe(303);
    expect(onB.location).toBe('/login?next=%2F');
  });

  it('files each session under its user in Redis; ending them there signs out on A and B', async () => {
    const who = await register(a);
    const [onA, onB] = [new Client(), new Client()];
    expect((await logIn(onA, a, who.email, who.password)).status).toBe(303);
    expect((await logIn(onB, b, who.email, who.password)).status).toBe(303);
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    try {
      const store = new RedisSessionStore(redis, {
        idleMs: 60 * 60 * 1000,
        rememberMs: 30 * 24 * 60 * 60 * 1000,
      });
      const userId = await userIdOf(database.url, who.email);
      const sessions = await store.listSessions(userId);
      expect(sessions).toHaveLength(2);
      expect(sessions[0]).toMatchObject({ ip: expect.stringContaining('127.0.0.1') });

      expect(await store.endSessions(userId)).toBe(2);
    } finally {
      await redis.close();
    }

    for (const [client, app] of [
      [onA, b],
      [onB, a],
    ] as const) {
      const res = await client.get(`${app.url}/`);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/login?next=%2F');
    }
  });

  it('a session ended from the sessions page on A is signed out on B at once', async () => {
    const who = await register(a);
    const [onB, onA] = [new Client(), new Client()];
    expect((await logIn(onB, b, who.email, who.password)).status).toBe(303);
    expect((await logIn(onA, a, who.email, who.password)).status).toBe(303);
    const page = await onA.get(`${a.url}/account/sessions`);
    expect(page.status).toBe(200);
    const handles = [...page.text.matchAll(/name="session" value="([^"]+)"/g)].map(([, h]) => h);
    expect(handles).toHaveLength(1);

    const ended = await onA.submit(
      a.url,
      '/account/sessions',
      { session: handles[0] },
      '/account/sessions/revoke',
    );

    expect(ended.status).toBe(303);
    expect((await onA.get(`${a.url}/account/sessions`)).text).toContain('has been signed out.');
    const res = await onB.get(`${b.url}/`);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login?next=%2F');
    expect((await onA.get(`${b.url}/`)).status).toBe(200);
  });

  it('a remembered session lives in Redis for REMEMBER_DAYS, and "end all others" on A ends it on B', async () => {
    const who = await register(a);
    const [remembered, onA] = [new Client(), new Client()];
    const signIn = await remembered.submit(b.url, '/login', {
      email: who.email,
      password: who.password,
      remember: 'on',
    });
    expect(signIn.status).toBe(303);
    expect((await logIn(onA, a, who.email, who.password)).status).toBe(303);
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    try {
      const sid = decodeURIComponent((remembered.cookie as string).slice('sid='.length))
        .slice('s:'.length)
        .split('.')[0];
      // REMEMBER_DAYS is 30 by default: far beyond the idle hour.
      expect(await redis.pTTL(`session:${sid}`)).toBeGreaterThan(29 * 24 * 60 * 60 * 1000);
    } finally {
      await redis.close();
    }
    expect((await remembered.get(`${a.url}/`)).status).toBe(200);

    const ended = await onA.submit(
      a.url,
      '/account/sessions',
      {},
      '/account/sessions/revoke-others',
    );

    expect(ended.status).toBe(303);
    expect((await onA.get(`${a.url}/account/sessions`)).text).toContain('Ended 1 other session.');
    expect((await remembered.get(`${b.url}/`)).status).toBe(303);
    expect((await onA.get(`${b.url}/`)).status).toBe(200);
  });

  it('a password change on A ends the other sessions on B at once; the one that changed it stays', async () => {
    const who = await register(a);
    const [onB, onA] = [new Client(), new Client()];
    expect((await logIn(onB, b, who.email, who.password)).status).toBe(303);
    expect((await logIn(onA, a, who.email, who.password)).status).toBe(303);

    const changed = await onA.submit(
      a.url,
      '/account',
      {
        currentPassword: who.password,
        password: 'a-brand-new-passphrase-7',
        confirmPassword: 'a-brand-new-passphrase-7',
      },
      '/account/password',
    );

    expect(changed.status).toBe(303);
    expect((await onB.get(`${b.url}/`)).status).toBe(303);
    // Under its new id, on both instances.
    expect((await onA.get(`${b.url}/`)).status).toBe(200);
    expect((await onA.get(`${a.url}/`)).status).toBe(200);
  });

  it('“This wasn’t me” on B ends every session of the account on A, its own included', async () => {
    const who = await register(a);
    const [onA, onB] = [new Client(), new Client()];
    expect((await logIn(onA, a, who.email, who.password)).status).toBe(303);
    expect((await logIn(onB, b, who.email, who.password)).status).toBe(303);
    const cookieOfB = onB.cookie as string;

    const res = await onB.submit(b.url, '/account/activity', {}, '/account/activity/not-me');

    expect(res.status).toBe(303);
    expect((await onA.get(`${a.url}/`)).status).toBe(303);
    expect((await new Client(cookieOfB).get(`${a.url}/`)).status).toBe(303);
  });

  it('the lockout counter reached through A holds on B', async () => {
    const who = await register(a);
    for (let i = 0; i < 3; i++) {
      expect((await logIn(new Client(), a, who.email, 'wrong-password')).status).toBe(401);
    }
    const onB = await logIn(new Client(), b, who.email, who.password);
    expect(onB.status).toBe(429);
    expect(onB.text).toContain('This account is locked');
  });

  it('a two-factor sign-in begun on A completes on B; a code used on B is refused on A', async () => {
    const who = await register(a);
    const settings = new Client();
    await logIn(settings, a, who.email, who.password);
    const page = await settings.get(`${a.url}/account/two-factor`);
    const key = /id="totp-secret">([A-Z2-7 ]+)</.exec(page.text)?.[1].replace(/ /g, '') ?? '';
    const enabled = await settings.submit(
      a.url,
      '/account/two-factor',
      { code: totpCode(key, Date.now()), currentPassword: who.password },
      '/account/two-factor/enable',
    );
    expect(enabled.status).toBe(200);

    const client = new Client();
    const password = await logIn(client, a, who.email, who.password);
    expect(password.location).toBe('/login/two-factor');
    const code = totpCode(key, Date.now() + 30_000);
    const second = await client.submit(b.url, '/login/two-factor', { code });
    expect(second.status).toBe(303);
    expect((await client.get(`${a.url}/`)).status).toBe(200);

    const replay = new Client();
    await logIn(replay, b, who.email, who.password);
    expect((await replay.submit(a.url, '/login/two-factor', { code })).status).toBe(401);
  });

  it("the operator's command line ends sessions, unlocks and disables, in Redis, for A and B", async () => {
    const who = await register(a);
    const [onA, onB] = [new Client(), new Client()];
    expect((await logIn(onA, a, who.email, who.password)).status).toBe(303);
    expect((await logIn(onB, b, who.email, who.password)).status).toBe(303);
    const cwd = mkdtempSync(join(tmpdir(), 'nest-auth-cli-'));
    const account = (...args: string[]) => runAccountCli(args, env, { cwd, built: true });
    try {
      expect((await account('show', who.email)).stdout).toMatch(/^Sessions: +2 live$/m);
      const ended = await account('end-sessions', who.email);
      expect(ended.stdout.trim()).toBe(`Ended 2 sessions of ${who.email}.`);
      for (const [client, app] of [
        [onA, a],
        [onB, b],
      ] as const) {
        expect((await client.get(`${app.url}/`)).status).toBe(303);
      }

      // The lockout's counters are in Redis too.
      for (let i = 0; i < 4; i++) {
        await logIn(new Client(), a, who.email, 'wrong-password');
      }
      expect((await logIn(new Client(), b, who.email, who.password)).status).toBe(429);
      expect((await account('unlock', who.email)).code).toBe(0);
      expect((await logIn(onB, b, who.email, who.password)).status).toBe(303);

      const disabled = await account('disable', who.email);
      expect(disabled.stdout.trim()).toBe(`Disabled ${who.email}; 1 session ended.`);
      expect((await onB.get(`${a.url}/`)).status).toBe(303);
      expect((await logIn(new Client(), a, who.email, who.password)).status).toBe(403);
      expect((await account('enable', who.email)).code).toBe(0);
      expect((await logIn(new Client(), b, who.email, who.password)).status).toBe(303);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('twenty simultaneous registrations of one email over A and B create exactly one account', async () => {
    const email = 'everyone@example.com';
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Client().submit(i % 2 ? a.url : b.url, '/register', {
          username: `racer${i}`,
          email,
          password: 'correct-horse-battery-staple',
          confirmPassword: 'correct-horse-battery-staple',
        }),
      ),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(1);
    expect(statuses.filter((status) => status === 422)).toHaveLength(19);
    for (const res of results.filter((r) => r.status === 422)) {
      expect(res.text).toContain('Email already registered!');
    }
    expect(await countUsers(database.url, email)).toBe(1);
  });

  it('a restart of A loses no session, and A exits 0 on SIGTERM with a request in flight', async () => {
    const who = await register(a);
    const client = new Client();
    await logIn(client, a, who.email, who.password);

    // A sign-in (bcrypt, several queries) sent just before SIGTERM still gets its answer. Its
    // form is opened first, so that what is in flight is the sign-in itself: a form opened late
    // on a loaded machine would leave the sign-in to be sent after SIGTERM.
    const signingIn = new Client();
    const token = await signingIn.openForm(a.url, '/login');
    const inFlight = signingIn.post(`${a.url}/login`, token, {
      email: who.email,
      password: who.password,
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exitCode = await a.stop();
    expect(exitCode).toBe(0);
    expect((await inFlight).status).toBe(303);

    a = await startAppProcess(env);
    const home = await client.get(`${a.url}/`);
    expect(home.status).toBe(200);
    expect(home.text).toContain(`Hello, ${who.username}!`);
  });
});

async function userIdOf(databaseUrl: string, email: string): Promise<number> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [
      email,
    ]);
    return rows[0].id;
  } finally {
    await client.end();
  }
}

async function countUsers(databaseUrl: string, email: string): Promise<number> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM users WHERE email = $1',
      [email],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}
