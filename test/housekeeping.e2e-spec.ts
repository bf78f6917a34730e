import { startTestApp, TestApp } from './helpers/test-app';

describe('Housekeeping (HousekeepingService)', () => {
  let sut: TestApp;
  let sequence = 0;

  /** `count` rows of `table`, 100 to a statement; `row` gives the values of one. */
  const insert = async (
    table: 'sessions' | 'rate_limits' | 'tokens',
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

  /** `count` tokens of a new user, ending at `expiresAt`. */
  const tokens = async (count: number, expiresAt: number) => {
    const { id } = await sut.usersService.create({
      username: `owner${++sequence}`,
      email: `owner${sequence}@example.com`,
      passwordHash: 'not-a-real-hash',
    });
    await insert(
      'tokens',
      ['digest', 'purpose', 'user_id', 'bound_to', 'expires_at'],
      count,
      (n) => [n.toString(16).padStart(64, '0'), 'email_verification', id, 'bound', expiresAt],
    );
  };

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  it('deletes expired sessions, counters and tokens in batches, and keeps the live ones', async () => {
    const now = Date.now();
    await sessions(1500, now - 1000);
    await sessions(20, now + 60_000);
    await counters(1100, now - 1000);
    await counters(10, now + 60_000);
    await tokens(1050, now - 1000);
    await tokens(5, now + 60_000);

    await expect(sut.housekeeping.run(now)).resolves.toEqual({
      sessions: 1500,
      rateLimits: 1100,
      tokens: 1050,
    });

    expect(await sut.countRows('sessions')).toBe(20);
    expect(await sut.countRows('rate_limits')).toBe(10);
    expect(await sut.countRows('tokens')).toBe(5);
    await expect(sut.housekeeping.run(now)).resolves.toEqual({
      sessions: 0,
      rateLimits: 0,
      tokens: 0,
    });
  });
});
