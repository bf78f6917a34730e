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

export interface Readiness extends Health {
  /** Whether every migration the app knows has been applied to the database. */
  migrations: 'ok' | 'pending' | 'unknown';
}

/** A dependency that has not answered in this long counts as down. */
const TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
  ) {}

  /** Whether the database (and Redis, when used) answer now. */
  async check(): Promise<Health> {
    const redisClient = this.redis;
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      redisClient ? probe(() => redisClient.ping()) : undefined,
    ]);
    const ok = database === 'ok' && redis !== 'down';
    return { status: ok ? 'ok' : 'error', database, ...(redis ? { redis } : {}) };
  }

  /** The check, and whether the database has every migration this version of the app needs. */
  async ready(): Promise<Readiness> {
    const [health, migrations] = await Promise.all([this.check(), this.migrations()]);
    const ok = health.status === 'ok' && migrations === 'ok';
    return { ...health, status: ok ? 'ok' : 'error', migrations };
  }

  private async migrations(): Promise<Readiness['migrations']> {
    try {
      const table = this.dataSource.options.migrationsTableName ?? 'migrations';
      const applied = await withTimeout(
        this.dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`),
      );
      const names = new Set(applied.map(({ name }) => name));
      return this.dataSource.migrations.every((migration) => names.has(migration.name as string))
        ? 'ok'
        : 'pending';
    } catch {
      return 'unknown';
    }
  }
}

async function probe(check: () => Promise<unknown>): Promise<State> {
  try {
    await withTimeout(check());
    return 'ok';
  } catch {
    return 'down';
  }
}

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
