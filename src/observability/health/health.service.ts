import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REDIS_CLIENT, RedisClient } from '../../infra/redis/redis.module';

type State = 'ok' | 'down';

export interface Health {
  status: 'ok' | 'error';
  database: State;
  /** Present when REDIS_URL is set. */
  redis?: State;
}

/** A dependency that has not answered in this long counts as down. */
const TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
  ) {}

  async check(): Promise<Health> {
    const redisClient = this.redis;
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      redisClient ? probe(() => redisClient.ping()) : undefined,
    ]);
    const ok = database === 'ok' && redis !== 'down';
    return { status: ok ? 'ok' : 'error', database, ...(redis ? { redis } : {}) };
  }
}

async function probe(check: () => Promise<unknown>): Promise<State> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
