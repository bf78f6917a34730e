import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { RedisCounterStore } from '../../src/rate-limits/redis-counter.store';
import { RedisClient } from '../../src/infra/redis/redis.module';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The key RedisCounterStore keeps a counter under: a hash of its name, never the name. */
const storedKey = (name: string) => `rate-limit:${createHash('sha256').update(name).digest('hex')}`;

describe(RedisCounterStore.name, () => {
  let redis: RedisClient;
  let sut: RedisCounterStore;
  let name: string;

  beforeAll(async () => {
    redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    sut = new RedisCounterStore(redis);
  });

  beforeEach(() => {
    name = `test:${Date.now()}:${Math.random()}`;
  });

  afterEach(() => sut.reset(name));

  afterAll(() => redis.close());

  it('counts hits within a window, which ends by itself', async () => {
    const first = await sut.hit(name, 60_000, 'fixed');
    const second = await sut.hit(name, 60_000, 'fixed');
    expect([first.count, second.count]).toEqual([1, 2]);
    expect(second.resetAt).toBeGreaterThan(Date.now() + 50_000);
    expect(await sut.peek(name)).toMatchObject({ count: 2 });
  });

  it('a fixed window keeps its end; a sliding one moves it', async () => {
    await sut.hit(name, 10_000, 'fixed');
    await redis.pExpire(storedKey(name), 5_000);
    expect((await sut.hit(name, 10_000, 'fixed')).resetAt).toBeLessThan(Date.now() + 6_000);
    expect((await sut.hit(name, 10_000, 'sliding')).resetAt).toBeGreaterThan(Date.now() + 9_000);
  });

  it('an ended counter starts again at 1', async () => {
    await sut.hit(name, 50, 'fixed');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await sut.peek(name)).toBeUndefined();
    expect((await sut.hit(name, 60_000, 'fixed')).count).toBe(1);
  });

  it('counts simultaneous hits exactly once each, and keeps no name in the clear', async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, () => sut.hit(name, 60_000, 'fixed')),
    );
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await redis.get(storedKey(name))).toBe('20');
    expect(await redis.exists(name)).toBe(0);
  });

  it('reset forgets the counter', async () => {
    await sut.hit(name, 60_000, 'fixed');
    await sut.reset(name);
    expect(await sut.peek(name)).toBeUndefined();
  });
});
