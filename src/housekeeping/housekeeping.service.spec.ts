import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, DeleteQueryBuilder, DeleteResult, ObjectLiteral } from 'typeorm';
import { Token } from '../auth/core/tokens/token.entity';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../infra/database/data-source-options';
import { RateLimit } from '../rate-limits/rate-limit.entity';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';
import { HousekeepingService } from './housekeeping.service';

describe(HousekeepingService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let sequence = 0;

  /** `count` sessions ending at `expiresAt`, inserted 100 to a statement. */
  const insertSessions = async (count: number, expiresAt: number) => {
    const ids: string[] = [];
    for (let first = 0; first < count; first += 100) {
      const batch = Array.from({ length: Math.min(100, count - first) }, () => {
        sequence += 1;
        return {
          id: `sid-${sequence}`,
          expiresAt,
          data: '{}',
          userId: 1,
          handle: `handle-${sequence}`,
          createdAt: 0,
          lastSeenAt: 0,
        };
      });
      await dataSource.createQueryBuilder().insert().into(Session).values(batch).execute();
      ids.push(...batch.map(({ id }) => id));
    }
    return ids;
  };
  const insertCounters = async (count: number, resetAt: number) => {
    const keys: string[] = [];
    for (let first = 0; first < count; first += 100) {
      const batch = Array.from({ length: Math.min(100, count - first) }, () => {
        sequence += 1;
        return { key: `key-${sequence}`, count: 1, resetAt };
      });
      await dataSource.createQueryBuilder().insert().into(RateLimit).values(batch).execute();
      keys.push(...batch.map(({ key }) => key));
    }
    return keys;
  };
  /** `count` tokens of one user ending at `expiresAt`, inserted 100 to a statement. */
  const insertTokens = async (count: number, expiresAt: number) => {
    const { identifiers } = await dataSource.getRepository(User).insert({
      username: `u${++sequence}`,
      usernameKey: `u${sequence}`,
      email: `u${sequence}@example.com`,
      passwordHash: 'hash',
    });
    const userId = identifiers[0].id as number;
    for (let first = 0; first < count; first += 100) {
      const batch = Array.from({ length: Math.min(100, count - first) }, () => {
        sequence += 1;
        const digest = sequence.toString(16).padStart(64, '0');
        return { digest, purpose: 'password_reset' as const, userId, boundTo: digest, expiresAt };
      });
      await dataSource.createQueryBuilder().insert().into(Token).values(batch).execute();
    }
  };
  const count = (entity: typeof Session | typeof RateLimit | typeof Token) =>
    dataSource.getRepository<ObjectLiteral>(entity).count();

  /** The rows each DELETE statement removed, in order. */
  const watchDeletes = () => {
    const affected: number[] = [];
    const execute = DeleteQueryBuilder.prototype.execute;
    const spy = jest
      .spyOn(DeleteQueryBuilder.prototype, 'execute')
      .mockImplementation(async function (this: DeleteQueryBuilder<ObjectLiteral>) {
        const result: DeleteResult = await execute.call(this);
        affected.push(result.affected ?? 0);
        return result;
      });
    return { affected, restore: () => spy.mockRestore() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'housekeeping-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'test.db')}` });
    dataSource = new DataSource(dataSourceOptions(config, [Session, RateLimit, User, Token]));
    await dataSource.initialize();
    await dataSource.runMigrations();
    jest.spyOn(Logger.prototype, 'log').mockImplementation();
  });

  beforeEach(async () => {
    await dataSource.getRepository(Session).clear();
    await dataSource.getRepository(RateLimit).clear();
    await dataSource.getRepository(Token).clear();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes expired sessions, ended counters and expired tokens, at most 1,000 rows a statement', async () => {
    const now = Date.now();
    await insertSessions(2500, now - 1000);
    await insertCounters(1200, now - 1000);
    await insertTokens(1100, now - 1000);
    const liveSessions = await insertSessions(30, now + 60_000);
    const liveCounters = await insertCounters(20, now + 60_000);
    await insertTokens(5, now + 60_000);
    const deletes = watchDeletes();

    const run = await new HousekeepingService(dataSource).run(now);

    deletes.restore();
    expect(run).toEqual({ sessions: 2500, rateLimits: 1200, tokens: 1100 });
    expect(deletes.affected).toEqual([1000, 1000, 500, 1000, 200, 1000, 100]);
    await expect(count(Session)).resolves.toBe(liveSessions.length);
    await expect(count(RateLimit)).resolves.toBe(liveCounters.length);
    await expect(count(Token)).resolves.toBe(5);
  });

  it('gives the freed pages back, so the SQLite file shrinks after a flood', async () => {
    const now = Date.now();
    const file = join(dir, 'test.db');
    const size = async () => {
      await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
      return statSync(file).size;
    };
    const before = await size();
    for (let round = 0; round < 4; round++) {
      await insertCounters(2000, now - 1000);
    }
    const flooded = await size();
    const sut = new HousekeepingService(dataSource, { maxBatches: 100 });

    await sut.run(now);

    expect(flooded).toBeGreaterThan(before + 300_000);
    expect(await size()).toBeLessThan(before + (flooded - before) / 4);
  });

  it('stops after its number of statements, and the next run goes on', async () => {
    const now = Date.now();
    await insertSessions(750, now - 1000);
    await insertCounters(50, now);
    const live = await insertSessions(10, now + 1);
    const sut = new HousekeepingService(dataSource, { batchSize: 100, maxBatches: 3 });
    const deletes = watchDeletes();

    const runs = [await sut.run(now), await sut.run(now), await sut.run(now)];

    deletes.restore();
    expect(runs).toEqual([
      { sessions: 300, rateLimits: 50, tokens: 0 },
      { sessions: 300, rateLimits: 0, tokens: 0 },
      { sessions: 150, rateLimits: 0, tokens: 0 },
    ]);
    expect(Math.max(...deletes.affected)).toBe(100);
    // Per table and run: at most 3 statements, one fewer once a statement finds less than 100.
    expect(deletes.affected).toEqual([
      ...[100, 100, 100, 50, 0],
      ...[100, 100, 100, 0, 0],
      ...[100, 50, 0, 0],
    ]);
    await expect(count(Session)).resolves.toBe(live.length);
    await expect(sut.run(now)).resolves.toEqual({ sessions: 0, rateLimits: 0, tokens: 0 });
  });

  it('keeps a row that ends after now: the end itself counts as ended', async () => {
    const now = Date.now();
    await insertSessions(1, now);
    await insertSessions(1, now + 1);

    await expect(new HousekeepingService(dataSource).run(now)).resolves.toEqual({
      sessions: 1,
      rateLimits: 0,
      tokens: 0,
    });
    await expect(count(Session)).resolves.toBe(1);
  });

  it('runs on its timer once the app has started, and stops with it', async () => {
    const sut = new HousekeepingService(dataSource, { intervalMs: 20 });
    await insertSessions(5, Date.now() - 1000);

    sut.onApplicationBootstrap();
    for (let i = 0; i < 100 && (await count(Session)) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await sut.onModuleDestroy();

    await expect(count(Session)).resolves.toBe(0);
    const run = jest.spyOn(sut, 'run');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(run).not.toHaveBeenCalled();
  });

  it('shares a run in progress with whoever asks for one meanwhile', async () => {
    await insertSessions(10, Date.now() - 1000);
    const sut = new HousekeepingService(dataSource);

    const [first, second] = await Promise.all([sut.run(), sut.run()]);

    expect(first).toBe(second);
    expect(first.sessions).toBe(10);
  });

  it('says so in the log and gives up the run when the database fails', async () => {
    const broken = new HousekeepingService({
      createQueryBuilder: () => {
        throw new Error('SQLITE_BUSY');
      },
    } as unknown as DataSource);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();

    await expect(broken.run()).resolves.toEqual({ sessions: 0, rateLimits: 0, tokens: 0 });
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });
});
