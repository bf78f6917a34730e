import { sign } from 'cookie-signature';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/infra/database/data-source-options';
import { postgresMigrations } from '../src/infra/database/migrations/postgres';
import { SessionOwnersAndDevices1796031280463 } from '../src/infra/database/migrations/postgres/1796031280463-SessionOwnersAndDevices';
import { sqliteMigrations } from '../src/infra/database/migrations/sqlite';
import { SessionOwnersAndDevices1796031236207 } from '../src/infra/database/migrations/sqlite/1796031236207-SessionOwnersAndDevices';
import { startTestApp, TEST_SECRET, TestApp } from './helpers/test-app';
import { createTestDatabase, ON_POSTGRES, placeholders } from './helpers/test-database';

const HOUR = 60 * 60 * 1000;

/** The migrations from before sessions knew their user and device. */
const OLD_MIGRATIONS = ON_POSTGRES
  ? postgresMigrations.slice(0, postgresMigrations.indexOf(SessionOwnersAndDevices1796031280463))
  : sqliteMigrations.slice(0, sqliteMigrations.indexOf(SessionOwnersAndDevices1796031236207));

/** A session's JSON as the app wrote it before: no device record. */
const oldSession = (fields: object) =>
  JSON.stringify({
    cookie: { originalMaxAge: null, httpOnly: true, path: '/', sameSite: 'lax' },
    ...fields,
  });

/** The cookie express-session sets for a session id, signed with the tests' secret. */
const cookieFor = (sid: string) => `sid=${encodeURIComponent(`s:${sign(sid, TEST_SECRET)}`)}`;

describe('Upgrading a database whose sessions do not know their user (SessionOwnersAndDevices)', () => {
  let sut: TestApp;
  let userId: number;
  let otherUserId: number;
  let migratedAt: number;
  const now = Date.now();
  const signedIn = 'signed-in-before-the-upgrade';
  const others = Array.from({ length: 250 }, (_, i) => `other-${String(i).padStart(3, '0')}`);
  const gone = {
    anonymous: 'anonymous-session',
    expired: 'expired-session',
    unreadable: 'unreadable-session',
    noUserId: 'session-with-a-malformed-user',
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-auth-upgrade-'));
    const database = await createTestDatabase(dir);
    const options = dataSourceOptions(loadConfig({ DATABASE_URL: database.url }), []);
    const old = new DataSource({ ...options, migrations: OLD_MIGRATIONS });
    await old.initialize();
    await old.runMigrations();
    const sql = (text: string, params: unknown[] = []) => old.query(placeholders(text), params);
    for (const [username, email] of [
      ['Upgrader', 'upgrader@example.com'],
      ['Other', 'other@example.com'],
    ]) {
      await sql(
        'INSERT INTO users (username, username_key, email, password_hash) VALUES (?, ?, ?, ?)',
        [
          username,
          username.toLowerCase(),
          email,
          '$2b$04$notarealhashnotarealhashnotarealhashnotarealhashnot',
        ],
      );
    }
    const ids = (await sql('SELECT id FROM users ORDER BY id')) as { id: number }[];
    [userId, otherUserId] = ids.map(({ id }) => Number(id));
    const insert = (id: string, data: string, expiresAt = now + HOUR) =>
      sql('INSERT INTO sessions (id, expires_at, data) VALUES (?, ?, ?)', [id, expiresAt, data]);
    await insert(signedIn, oldSession({ passport: { user: userId }, signedInAt: now - 1000 }));
    for (const id of others) {
      await insert(id, oldSession({ passport: { user: otherUserId }, signedInAt: now }));
    }
    await insert(gone.anonymous, oldSession({ csrfToken: 'abc' }));
    await insert(gone.expired, oldSession({ passport: { user: userId } }), now - 1);
    await insert(gone.unreadable, '{"cookie":');
    await insert(gone.noUserId, oldSession({ passport: { user: '1' } }));
    await old.destroy();

    migratedAt = Date.now();
    // The app applies the pending migration as it starts.
    sut = await startTestApp({}, { dir, databaseUrl: database.url, dropDatabase: database.drop });
  });

  afterAll(() => sut?.cleanup());

  it('keeps the signed-in session: its cookie still signs in', async () => {
    const res = await sut.agent().get('/').set('Cookie', cookieFor(signedIn)).expect(200);

    expect(res.text).toContain('Hello, Upgrader!');
  });

  it('fills in its user, a random handle, and the upgrade as its start and latest request', async () => {
    const [row] = await sut.sql<Record<string, unknown>[]>(
      'SELECT user_id, handle, created_at, last_seen_at, ip, user_agent FROM sessions WHERE id = ?',
      [signedIn],
    );

    expect(row).toMatchObject({ user_id: userId, ip: null, user_agent: null });
    expect(row.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Number(row.created_at)).toBeGreaterThanOrEqual(migratedAt);
    expect(Number(row.last_seen_at)).toBeGreaterThanOrEqual(Number(row.created_at));
  });

  it('keeps every signed-in session, each with its own handle', async () => {
    const rows = await sut.sql<{ user_id: number; handle: string }[]>(
      'SELECT user_id, handle FROM sessions WHERE user_id = ?',
      [otherUserId],
    );

    expect(rows).toHaveLength(others.length);
    expect(new Set(rows.map(({ handle }) => handle)).size).toBe(others.length);
  });

  it('deletes the anonymous, expired and unreadable sessions', async () => {
    for (const id of Object.values(gone)) {
      expect(await sut.countRows('sessions', 'id = ?', [id])).toBe(0);
      await sut.agent().get('/').set('Cookie', cookieFor(id)).expect(303);
    }
    expect(await sut.countRows('sessions')).toBe(others.length + 1);
  });

  it('lists the kept session among its user’s, and ending it ends the cookie', async () => {
    const [session] = await sut.sessionsService.list(userId, signedIn);
    expect(session).toMatchObject({ current: true, ip: null, userAgent: null });

    await expect(sut.sessionsService.end(userId, session.handle)).resolves.toBe(true);

    await sut.agent().get('/').set('Cookie', cookieFor(signedIn)).expect(303);
  });
});
