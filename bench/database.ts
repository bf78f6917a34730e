import * as bcrypt from 'bcrypt';
import { sign } from 'cookie-signature';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Session } from '../src/sessions/session.entity';
import { User } from '../src/users/user.entity';
import type { Account } from './sign-ins';

/** Every seeded account has this password, behind one real bcrypt hash computed once. */
const PASSWORD = 'bench-horse-battery-staple';
/** Longer than the idle timeout of a session and than a run of the bench. */
const SEEDED_SESSION_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** Rows per INSERT: far below SQLite's limit of bound values per statement. */
const BATCH = 500;

/** A seeded account that is also signed in already, in one session. */
export interface SeededAccount extends Account {
  sessionId: string;
}

/**
 * A database that an app runs on during the bench, and the way to fill it fast: straight into
 * the tables, through the app's own entities and migrations, before the app starts. A SQLite file
 * is the only kind so far; PostgreSQL (and Redis for the sessions) would be another implementation,
 * chosen from DATABASE_URL and REDIS_URL, once the app supports them.
 */
export interface BenchDatabase {
  description: string;
  /** The settings that point the app at this database. */
  env: Record<string, string>;
  countSessions(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A new SQLite file in `dir`, built by the app's migrations, with `count` users who are each
 * signed in already in one session.
 */
export async function seededSqliteDatabase(
  dir: string,
  count: number,
  bcryptCost: number,
): Promise<{ database: BenchDatabase; accounts: SeededAccount[] }> {
  const databaseUrl = `sqlite:${join(dir, 'app.db')}`;
  const dataSource = new DataSource(dataSourceOptions(loadConfig({ DATABASE_URL: databaseUrl })));
  await dataSource.initialize();
  await dataSource.runMigrations();
  const passwordHash = await bcrypt.hash(PASSWORD, bcryptCost);
  // Further ahead than a session's idle timeout, so that no request of the run has to push it
  // back (see TypeormSessionStore's touch): every signed-in request is then the same reads,
  // whether the database is small or large.
  const expiresAt = Date.now() + SEEDED_SESSION_LIFETIME_MS;
  const accounts: SeededAccount[] = [];

  await dataSource.transaction(async (manager) => {
    for (let first = 1; first <= count; first += BATCH) {
      const batch = range(first, Math.min(first + BATCH, count + 1)).map((id) => ({
        id,
        email: `user${id}@bench.example`,
        password: PASSWORD,
        sessionId: randomBytes(24).toString('base64url'),
      }));
      await insertAll(
        manager,
        User,
        batch.map(({ id, email }) => ({
          id,
          username: `user${id}`,
          usernameKey: `user${id}`,
          email,
          passwordHash,
        })),
      );
      await insertAll(
        manager,
        Session,
        batch.map(({ id, sessionId }) => ({
          id: sessionId,
          expiresAt,
          data: signedInSessionData(id),
        })),
      );
      accounts.push(
        ...batch.map(({ email, password, sessionId }) => ({ email, password, sessionId })),
      );
    }
  });

  // Moves the seeded rows from the write-ahead log into the database file, where a database
  // that has been running for a while keeps them.
  await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');

  return {
    accounts,
    database: {
      description: 'SQLite (a temporary file)',
      env: { DATABASE_URL: databaseUrl },
      countSessions: () => dataSource.getRepository(Session).count(),
      close: () => dataSource.destroy(),
    },
  };
}

/**
 * A session's JSON as the app stores it once its user has signed in and seen a page: Passport's
 * user id, and csrf-sync's token for the sign-out form (without it, each first visit would write).
 */
function signedInSessionData(userId: number): string {
  return JSON.stringify({
    cookie: {
      originalMaxAge: null,
      expires: null,
      secure: true,
      httpOnly: true,
      path: '/',
      sameSite: 'lax',
    },
    passport: { user: userId },
    csrfToken: randomBytes(128).toString('hex'),
  });
}

/** The Cookie header a browser sends for this session: the id signed as express-session signs it. */
export function sessionCookie(sessionId: string, secret: string): string {
  return `__Host-sid=${encodeURIComponent(`s:${sign(sessionId, secret)}`)}`;
}

/** One multi-row INSERT, without reading anything back. */
function insertAll<Entity extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Entity>,
  rows: QueryDeepPartialEntity<Entity>[],
): Promise<unknown> {
  return manager
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(rows)
    .updateEntity(false)
    .execute();
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
