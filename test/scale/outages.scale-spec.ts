import { AppProcess, startAppProcess } from '../helpers/app-process';
import { createPostgresDatabase, TestDatabase } from '../helpers/test-database';
import { Client } from './http-client';
import { TcpProxy } from './tcp-proxy';
import { emptyRedisDatabase, flushRedis } from './test-redis';

/** The app reaches PostgreSQL and Redis through relays that the tests cut and restore. */
describe('When PostgreSQL or Redis goes away', () => {
  let database: TestDatabase;
  let postgres: TcpProxy;
  let redis: TcpProxy;
  let app: AppProcess;
  let redisUrl: string;
  const who = {
    username: 'outage',
    email: 'outage@example.com',
    password: 'correct-horse-battery-staple',
  };

  const health = async () => {
    const res = await fetch(`${app.url}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const signIn = () =>
    new Client().submit(app.url, '/login', { email: who.email, password: who.password });
  const eventually = async (check: () => Promise<boolean>) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await check()) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('The app did not recover within 10 s');
  };

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const databaseUrl = new URL(database.url);
    postgres = await TcpProxy.start({
      host: databaseUrl.hostname,
      port: Number(databaseUrl.port || 5432),
    });
    redisUrl = await emptyRedisDatabase();
    const redisTarget = new URL(redisUrl);
    redis = await TcpProxy.start({
      host: redisTarget.hostname,
      port: Number(redisTarget.port || 6379),
    });
    redisTarget.hostname = '127.0.0.1';
    redisTarget.port = String(redis.port);
    databaseUrl.hostname = '127.0.0.1';
    databaseUrl.port = String(postgres.port);
    app = await startAppProcess({
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisTarget.toString(),
    });
    const registered = await new Client().submit(app.url, '/register', {
      ...who,
      confirmPassword: who.password,
    });
    expect(registered.status).toBe(303);
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([postgres?.cut(), redis?.cut()]);
    await database?.drop();
    await flushRedis(redisUrl);
  });

  it.each([
    ['Redis', () => redis, { status: 'error', database: 'ok', redis: 'down' }],
    ['PostgreSQL', () => postgres, { status: 'error', database: 'down', redis: 'ok' }],
  ])(
    '%s down: 503 health, sign-in fails closed, no crash; back: it recovers',
    async (_name, proxy, down) => {
      expect((await signIn()).status).toBe(303);

      await proxy().cut();
      expect(await health()).toEqual({ status: 503, body: down });
      const refused = await signIn().catch((error: Error) => ({ status: 0, text: error.message }));
      expect([500, 503]).toContain(refused.status);
      expect(refused.text).toContain('Something went wrong');
      expect(refused.text).not.toMatch(/ECONNREFUSED|at .*\.js:\d+/);

      await proxy().restore();
      await eventually(async () => (await health()).status === 200);
      await eventually(async () => (await signIn()).status === 303);
    },
  );
});
