import { createClient } from 'redis';
import { AppProcess, startAppProcess } from '../helpers/app-process';
import { sendAnonymousTraffic } from '../helpers/anonymous-traffic';
import { createPostgresDatabase, TestDatabase } from '../helpers/test-database';
import { Client } from './http-client';
import { emptyRedisDatabase, flushRedis } from './test-redis';

/**
 * Every key that is not a rate-limit counter (failed sign-ins are counted, by design), with its
 * value: the sessions and anything else the app keeps in Redis.
 */
async function snapshot(redisUrl: string): Promise<Record<string, string | null>> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const keys = (await client.keys('*')).filter((key) => !key.startsWith('rate-limit:')).sort();
    const values: Record<string, string | null> = {};
    for (const key of keys) {
      values[key] = (await client.type(key)) === 'string' ? await client.get(key) : key;
    }
    return values;
  } finally {
    await client.close();
  }
}

describe('Signed-out visitors cost no server state, with Redis and PostgreSQL', () => {
  let database: TestDatabase;
  let redisUrl: string;
  let app: AppProcess;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    redisUrl = await emptyRedisDatabase();
    app = await startAppProcess({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      // Hundreds of refused registrations, failed sign-ins and reset requests from one address:
      // 422, 401 and 303, not 429.
      THROTTLE_REGISTER_PER_HOUR: '100000',
      THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '100000',
      THROTTLE_RESET_PER_NETWORK_PER_HOUR: '100000',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    await flushRedis(redisUrl);
  });

  it('10,000 anonymous requests leave the keys in Redis as they were', async () => {
    const account = {
      username: 'stateless',
      email: 'stateless@example.com',
      password: 'correct-horse-battery-staple',
    };
    const registered = await new Client().submit(app.url, '/register', {
      ...account,
      confirmPassword: account.password,
    });
    expect(registered.status).toBe(303);
    const signedIn = await new Client().submit(app.url, '/login', {
      email: account.email,
      password: account.password,
    });
    expect(signedIn.status).toBe(303);
    const before = await snapshot(redisUrl);
    expect(Object.keys(before).some((key) => key.startsWith('session:'))).toBe(true);

    await sendAnonymousTraffic(app.url, 10_000, account.email);

    expect(await snapshot(redisUrl)).toEqual(before);
  }, 600_000);
});
