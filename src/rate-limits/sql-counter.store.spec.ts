import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, Repository } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../infra/database/data-source-options';
import { RateLimit } from './rate-limit.entity';
import { SqlCounterStore } from './sql-counter.store';
import { fakeClock } from '../../test/helpers/clock';

const MINUTE = 60 * 1000;
const NOW = new Date('2030-01-01T12:00:00Z').getTime();

/** The stored key of a counter: the SHA-256 of its name, as RateLimit documents. */
const keyOf = (name: string) => createHash('sha256').update(name).digest('hex');

describe(SqlCounterStore.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let rows: Repository<RateLimit>;
  let sut: SqlCounterStore;
  let counter = 0;

  /** A fresh counter name for each test, so that tests share the database but no rows. */
  const newName = () => `login:alice${++counter}@example.com:203.0.113.7`;
  const endCounter = (name: string) =>
    dataSource.query('UPDATE rate_limits SET reset_at = ? WHERE key = ?', [
      Date.now() - 1000,
      keyOf(name),
    ]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'counter-store-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'test.db')}` });
    dataSource = new DataSource(dataSourceOptions(config, [RateLimit]));
    await dataSource.initialize();
    await dataSource.runMigrations();
    rows = dataSource.getRepository(RateLimit);
    sut = new SqlCounterStore(rows);
  });

  beforeEach(() => {
    // Only the clock is fake: the database driver still needs real timers and ticks.
    fakeClock(NOW);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('hit', () => {
    it('counts 1, 2, 3 within a window', async () => {
      const name = newName();

      const counts = [];
      for (let i = 0; i < 3; i++) {
        counts.push((await sut.hit(name, MINUTE, 'fixed')).count);
      }

      expect(counts).toEqual([1, 2, 3]);
    });

    it('keeps a fixed counter ending a window after its first hit', async () => {
      const name = newName();
      const first = await sut.hit(name, MINUTE, 'fixed');

      jest.setSystemTime(NOW + 40_000);
      const second = await sut.hit(name, MINUTE, 'fixed');

      expect(first.resetAt).toBe(NOW + MINUTE);
      expect(second).toEqual({ count: 2, resetAt: NOW + MINUTE });
    });

    it('moves a sliding counter to end a window after its latest hit', async () => {
      const name = newName();
      const first = await sut.hit(name, MINUTE, 'sliding');

      jest.setSystemTime(NOW + 40_000);
      const second = await sut.hit(name, MINUTE, 'sliding');
      jest.setSystemTime(NOW + 80_000);
      const third = await sut.hit(name, MINUTE, 'sliding');

      expect(first).toEqual({ count: 1, resetAt: NOW + MINUTE });
      expect(second).toEqual({ count: 2, resetAt: NOW + 40_000 + MINUTE });
      expect(third).toEqual({ count: 3, resetAt: NOW + 80_000 + MINUTE });
    });

    it.each(['fixed', 'sliding'] as const)(
      'starts an ended %s counter again at 1, with a new window',
      async (mode) => {
        const name = newName();
        await sut.hit(name, MINUTE, mode);
        await sut.hit(name, MINUTE, mode);
        await endCounter(name);

        await expect(sut.hit(name, MINUTE, mode)).resolves.toEqual({
          count: 1,
          resetAt: NOW + MINUTE,
        });
      },
    );

    it('starts a fixed counter again once its window has passed', async () => {
      const name = newName();
      await sut.hit(name, MINUTE, 'fixed');

      jest.setSystemTime(NOW + MINUTE);

      await expect(sut.hit(name, MINUTE, 'fixed')).resolves.toEqual({
        count: 1,
        resetAt: NOW + 2 * MINUTE,
      });
    });

    it('counts concurrent hits on one name exactly once each', async () => {
      const name = newName();

      const results = await Promise.all(
        Array.from({ length: 20 }, () => sut.hit(name, MINUTE, 'fixed')),
      );

      const counts = results.map(({ count }) => count).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await expect(sut.peek(name)).resolves.toMatchObject({ count: 20 });
    });

    it('keeps counters with different names apart', async () => {
      const [one, other] = [newName(), newName()];
      await sut.hit(one, MINUTE, 'fixed');
      await sut.hit(one, MINUTE, 'fixed');

      await expect(sut.hit(other, MINUTE, 'fixed')).resolves.toMatchObject({ count: 1 });
    });

    it('stores only a hash of the name, never the name itself', async () => {
      const name = newName();

      await sut.hit(name, MINUTE, 'fixed');

      const stored = await dataSource.query<Record<string, unknown>[]>(
        'SELECT * FROM rate_limits WHERE key = ?',
        [keyOf(name)],
      );
      expect(stored).toHaveLength(1);
      expect(stored[0].key).toMatch(/^[0-9a-f]{64}$/);
      const everything = JSON.stringify(await dataSource.query('SELECT * FROM rate_limits'));
      expect(everything).not.toContain('example.com');
      expect(everything).not.toContain('203.0.113.7');
    });
  });

  describe('peek', () => {
    it('gives undefined for a name never hit', async () => {
      await expect(sut.peek(newName())).resolves.toBeUndefined();
    });

    it('gives the count and end of a live counter, without adding to it', async () => {
      const name = newName();
      await sut.hit(name, MINUTE, 'fixed');
      await sut.hit(name, MINUTE, 'fixed');

      await expect(sut.peek(name)).resolves.toEqual({ count: 2, resetAt: NOW + MINUTE });
      await expect(sut.peek(name)).resolves.toEqual({ count: 2, resetAt: NOW + MINUTE });
    });

    it('gives undefined for an ended counter', async () => {
      const name = newName();
      await sut.hit(name, MINUTE, 'fixed');
      await endCounter(name);

      await expect(sut.peek(name)).resolves.toBeUndefined();
    });

    it('gives undefined once the window has passed', async () => {
      const name = newName();
      await sut.hit(name, MINUTE, 'fixed');

      jest.setSystemTime(NOW + MINUTE);

      await expect(sut.peek(name)).resolves.toBeUndefined();
    });
  });

  describe('reset', () => {
    it('deletes the counter, so the next hit counts 1', async () => {
      const name = newName();
      await sut.hit(name, MINUTE, 'fixed');

      await sut.reset(name);

      await expect(rows.countBy({ key: keyOf(name) })).resolves.toBe(0);
      await expect(sut.peek(name)).resolves.toBeUndefined();
      await expect(sut.hit(name, MINUTE, 'fixed')).resolves.toMatchObject({ count: 1 });
    });

    it('does nothing for a name never hit', async () => {
      await expect(sut.reset(newName())).resolves.toBeUndefined();
    });
  });
});
