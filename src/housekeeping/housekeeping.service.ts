import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { Token } from '../auth/core/tokens/token.entity';
import { RateLimit } from '../rate-limits/rate-limit.entity';
import { Session } from '../sessions/session.entity';

export interface HousekeepingOptions {
  /** Rows deleted per statement. */
  batchSize: number;
  /** Statements per table and run; what is left waits for the next run. */
  maxBatches: number;
  /** Time between runs. */
  intervalMs: number;
}

const DEFAULTS: HousekeepingOptions = {
  batchSize: 1000,
  maxBatches: 10,
  intervalMs: 10 * 60 * 1000,
};

/** A table whose rows end: the key that names a row, and the column (ms) when it ends. */
interface Expiring {
  entity: EntityTarget<ObjectLiteral>;
  table: string;
  key: string;
  endsAt: string;
}

const SESSIONS: Expiring = { entity: Session, table: 'sessions', key: 'id', endsAt: 'expires_at' };
const RATE_LIMITS: Expiring = {
  entity: RateLimit,
  table: 'rate_limits',
  key: 'key',
  endsAt: 'reset_at',
};
const TOKENS: Expiring = { entity: Token, table: 'tokens', key: 'digest', endsAt: 'expires_at' };

export interface HousekeepingRun {
  sessions: number;
  rateLimits: number;
  tokens: number;
}

/**
 * Deletes what has ended from the database: expired sessions (never read again: the store
 * refuses them), ended rate-limit counters and expired tokens (used or not). Every 10 minutes, on every instance (two
 * instances deleting at once only find fewer rows), in short statements of at most 1,000 rows
 * and at most 10 of them per table and run, so that a large backlog never holds a lock or the
 * SQLite database for long; the rest waits for the next run. With REDIS_URL, sessions and
 * counters expire in Redis by themselves, and this only finds the rows left from before.
 */
export class HousekeepingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HousekeepingService.name);
  private readonly options: HousekeepingOptions;
  private timer?: NodeJS.Timeout;
  private running?: Promise<HousekeepingRun>;

  constructor(
    private readonly dataSource: DataSource,
    options: Partial<HousekeepingOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  onApplicationBootstrap(): void {
    // unref: the timer alone never keeps the process alive.
    this.timer = setInterval(() => void this.run(), this.options.intervalMs).unref();
  }

  /** Stops the timer and waits for a run in progress, before the database is closed. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run; a run asked for while one is in progress gets that one's result. */
  run(now = Date.now()): Promise<HousekeepingRun> {
    this.running ??= this.sweep(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(now: number): Promise<HousekeepingRun> {
    const run = {
      sessions: await this.deleteEnded(SESSIONS, now),
      rateLimits: await this.deleteEnded(RATE_LIMITS, now),
      tokens: await this.deleteEnded(TOKENS, now),
    };
    if (run.sessions + run.rateLimits + run.tokens > 0) {
      this.logger.log(
        `Deleted ${run.sessions} expired sessions, ${run.rateLimits} ended rate-limit counters and ${run.tokens} expired tokens`,
      );
      await this.shrinkSqliteFile();
    }
    return run;
  }

  /**
   * SQLite keeps the pages of deleted rows for reuse; in incremental auto-vacuum mode (see the
   * IncrementalVacuum migration) this gives them back, so the file shrinks after a flood.
   */
  private async shrinkSqliteFile(): Promise<void> {
    if (this.dataSource.options.type !== 'sqlite') {
      return;
    }
    try {
      await this.dataSource.query('PRAGMA incremental_vacuum');
    } catch (error) {
      this.logger.warn(`Could not shrink the database file: ${(error as Error).message}`);
    }
  }

  /** Deletes rows that ended at or before `now`, batch by batch; returns how many. */
  private async deleteEnded(
    { entity, table, key, endsAt }: Expiring,
    now: number,
  ): Promise<number> {
    const { batchSize, maxBatches } = this.options;
    let deleted = 0;
    try {
      for (let batch = 0; batch < maxBatches; batch++) {
        // A subquery with LIMIT: DELETE ... LIMIT is neither standard SQL nor PostgreSQL's.
        const { affected } = await this.dataSource
          .createQueryBuilder()
          .delete()
          .from(entity)
          .where(
            `"${key}" IN (SELECT "${key}" FROM "${table}" WHERE "${endsAt}" <= :now LIMIT :limit)`,
            { now, limit: batchSize },
          )
          .execute();
        deleted += affected ?? 0;
        if ((affected ?? 0) < batchSize) {
          break;
        }
      }
    } catch (error) {
      // The database may be away for a while; the next run tries again.
      this.logger.warn(`Could not delete ended rows of ${table}: ${(error as Error).message}`);
    }
    return deleted;
  }
}
