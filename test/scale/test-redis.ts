import { createClient } from 'redis';

/** The Redis server the scale tests use (default: the local one). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis logical database (1 to 15) with no keys, for this run alone; flushed afterwards. */
export async function emptyRedisDatabase(): Promise<string> {
  for (let index = 15; index >= 1; index--) {
    const url = `${TEST_REDIS_URL.replace(/\/\d*$/, '')}/${index}`;
    const client = createClient({ url });
    await client.connect();
    const size = await client.dbSize();
    await client.close();
    if (size === 0) {
      return url;
    }
  }
  throw new Error('No empty Redis database (1 to 15) on the test server');
}

export async function flushRedis(url: string | undefined): Promise<void> {
  if (!url) {
    return;
  }
  const client = createClient({ url });
  await client.connect();
  await client.flushDb();
  await client.close();
}
