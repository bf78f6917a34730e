import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { Count, CounterStore } from './counter.store';
import { RateLimit } from './rate-limit.entity';

/**
 * Counters in the `rate_limits` table: each hit is one atomic statement, safe across instances.
 * An ended counter counts as absent, and HousekeepingService deletes it later.
 */
@Injectable()
export class SqlCounterStore extends CounterStore {
  constructor(@InjectRepository(RateLimit) private readonly counters: Repository<RateLimit>) {
    super();
  }

  async hit(name: string, windowMs: number, mode: 'fixed' | 'sliding'): Promise<Count> {
    const now = Date.now();
    // An ended counter starts again at 1; a live one counts on, and a sliding one moves its end.
    // TypeORM's SQLite runner drops the rows of a statement that starts with "INSERT ": the
    // leading comment keeps the row that RETURNING gives back.
    const [sql, parameters] = this.counters.manager.connection.driver.escapeQueryWithParameters(
      `/* counter hit */ INSERT INTO rate_limits (key, count, reset_at) VALUES (:key, 1, :end)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.reset_at <= :now THEN 1 ELSE rate_limits.count + 1 END,
         reset_at = ${mode === 'sliding' ? ':end' : 'CASE WHEN rate_limits.reset_at <= :now THEN :end ELSE rate_limits.reset_at END'}
       RETURNING count, reset_at`,
      { key: keyOf(name), now, end: now + windowMs },
      {},
    );
    const [row] = await this.counters.query<{ count: number; reset_at: string | number }[]>(
      sql,
      parameters,
    );
    return { count: Number(row.count), resetAt: Number(row.reset_at) };
  }

  async peek(name: string): Promise<Count | undefined> {
    const row = await this.counters.findOneBy({ key: keyOf(name) });
    return row && row.resetAt > Date.now() ? { count: row.count, resetAt: row.resetAt } : undefined;
  }

  async reset(name: string): Promise<void> {
    await this.counters.delete({ key: keyOf(name) });
  }
}

function keyOf(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}
