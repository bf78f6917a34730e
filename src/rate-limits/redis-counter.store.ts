import { createHash } from 'node:crypto';
import { RedisClient } from '../infra/redis/redis.module';
import { Count, CounterStore } from './counter.store';

/** One atomic step: count the hit, start or move the window, and say where things stand. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or ARGV[2] == 'sliding' then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** Counters in Redis, shared by every instance; each expires by itself when its window ends. */
export class RedisCounterStore extends CounterStore {
  constructor(private readonly redis: RedisClient) {
    super();
  }

  async hit(name: string, windowMs: number, mode: 'fixed' | 'sliding'): Promise<Count> {
    const [count, ttl] = (await this.redis.eval(HIT, {
      keys: [keyOf(name)],
      arguments: [String(windowMs), mode],
    })) as [number, number];
    return { count, resetAt: Date.now() + ttl };
  }

  async peek(name: string): Promise<Count | undefined> {
    const key = keyOf(name);
    const [count, ttl] = await this.redis.multi().get(key).pTTL(key).exec();
    return count === null || Number(ttl) <= 0
      ? undefined
      : { count: Number(count), resetAt: Date.now() + Number(ttl) };
  }

  async reset(name: string): Promise<void> {
    await this.redis.del(keyOf(name));
  }
}

/** Hashed, as in the SQL table: no email or IP in the clear. */
function keyOf(name: string): string {
  return `rate-limit:${createHash('sha256').update(name).digest('hex')}`;
}
