import { startTestApp, TestApp } from './helpers/test-app';

describe('Housekeeping (HousekeepingService)', () => {
  let sut: TestApp;
  let sequence = 0;

  /** `count` rows of `table`, 100 to a statement; `row` gives the values of one. */
  const insert = async (
    table: 'sessions' | 'rate_limits',
    columns: string[],
    count: number,
    row: (n: number) => unknown[],
  ) => {
    for (let first = 0; first < count; first += 100) {
      const size = Math.min(100, count - first);
      const values = Array.from({ length: size }, () => row(++sequence));
      await sut.sql(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values
          .map(() => `(${columns.map(() => '?').join(', ')})`)
          .join(', ')}`,
        values.flat(),
      );
    }
  };
  const sessions = (count: number, expiresAt: number) =>
    insert(
      'sessions',
      ['id', 'expires_at', 'data', 'handle', 'created_at', 'last_seen_at'],
      count,
      (n) => [`sid-${n}`, expiresAt, '{}', `handle-${n}`, 0, 0],
    );
  const counters = (count: number, resetAt: number) =>
    insert('rate_limits', ['key', 'count', 'reset_at'], count, (n) => [`key-${n}`, 1, resetAt]);

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  it('deletes expired sessions and ended counters in batches, and keeps the live ones', async () => {
    const now = Date.now();
    await sessions(1500, now - 1000);
    await sessions(20, now + 60_000);
    await counters(1100, now - 1000);
    await counters(10, now + 60_000);

    await expect(sut.housekeeping.run(now)).resolves.toEqual({ sessions: 1500, rateLimits: 1100 });

    expect(await sut.countRows('sessions')).toBe(20);
    expect(await sut.countRows('rate_limits')).toBe(10);
    await expect(sut.housekeeping.run(now)).resolves.toEqual({ sessions: 0, rateLimits: 0 });
  });
});
