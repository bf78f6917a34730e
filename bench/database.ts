import * as bcrypt from 'bcrypt';
import { sign } from 'cookie-signature';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { loadConfig } from '../src/config/app-config';
import { ENTITIES } from '../src/entities';
import { dataSourceOptions } from '../src/infra/database/data-source-options';
import { Session } from '../src/sessions/session.entity';
import { User } from '../src/users/user.entity';
import type { Account } from './sign-ins';
import { createPostgresDatabase } from '../test/helpers/test-database';
import { createClient, RedisClientType } from 'redis';

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
 * The storage an app runs on during the bench, and the way to fill it fast: straight into the
 * tables (and Redis), through the app's own entities and migrations, before the app starts.
 * A temporary SQLite file by default; with DATABASE_URL=postgres://... a database created on that
 * server (and dropped after); with REDIS_URL the sessions go to that Redis, as the app's would.
 */
export interface BenchDatabase {
  description: string;
  /** The settings that point the app at this storage. */
  env: Record<string, string>;
  countSessions(): Promise<number>;
  close(): Promise<void>;
}

/** Where one seeded app keeps its data, before anything is in it. */
interface Storage {
  databaseUrl: string;
  description: string;
  drop(): Promise<void>;
}

async function newStorage(dir: string, size: number): Promise<Storage> {
  const server = process.env.DATABASE_URL;
  if (!server?.startsWith('postgres')) {
    return {
      databaseUrl: `sqlite:${join(dir, 'app.db')}`,
      description: 'SQLite (a temporary file)',
      drop: () => Promise.resolve(),
    };
  }
  const database = await createPostgresDatabase(server, `nest_auth_bench_${size}`);
  return {
    databaseUrl: database.url,
    description: `PostgreSQL (${new URL(server).host}, a database created for the run)`,
    drop: () => database.drop(),
  };
}

/**
 * A new database built by the app's migrations, with `count` users who are each signed in
 * already in one session (in the database, or in Redis when REDIS_URL is set), and
 * `moreSessions` further signed-in sessions of the same users, one after another (their ids in
 * `moreSessionIds`), and then as many more sessions of the first user, each from a browser and
 * address of its own, as make `crowdedSessions` in all (their ids, all of that user's, in
 * `crowdedSessionIds`): the sessions page of a busy account.
 */
export async function seededDatabase(
  dir: string,
  count: number,
  bcryptCost: number,
  moreSessions = 0,
  crowdedSessions = 0,
): Promise<{
  database: BenchDatabase;
  accounts: SeededAccount[];
  moreSessionIds: string[];
  crowdedSessionIds: string[];
}> {
  const storage = await newStorage(dir, count);
  const redisUrl = process.env.REDIS_URL;
  const redis = redisUrl ? createClient({ url: redisUrl }) : undefined;
  await redis?.connect();
  const dataSource = new DataSource(
    dataSourceOptions(loadConfig({ DATABASE_URL: storage.databaseUrl }), ENTITIES),
  );
  await dataSource.initialize();
  await dataSource.runMigrations();
  const passwordHash = await bcrypt.hash(PASSWORD, bcryptCost);
  // Further ahead than a session's idle timeout, so that no request of the run has to push it
  // back (see TypeormSessionStore's touch): every signed-in request is then the same reads,
  // whether the database is small or large.
  const seededAt = Date.now();
  const expiresAt = seededAt + SEEDED_SESSION_LIFETIME_MS;
  const accounts: SeededAccount[] = [];
  const moreSessionIds: string[] = [];
  const crowdedSessionIds: string[] = [];
  const insertSessions = async (manager: EntityManager, rows: SessionRow[]) => {
    if (redis) {
      const writes = redis.multi();
      for (const { userId, sessionId, handle, device } of rows) {
        writes.set(
          `${REDIS_SESSION_PREFIX}${sessionId}`,
          signedInSessionData(userId, handle, device),
          {
            expiration: { type: 'PX', value: SEEDED_SESSION_LIFETIME_MS },
          },
        );
        writes.zAdd(`${REDIS_USER_SESSIONS_PREFIX}${userId}`, {
          score: seededAt,
          value: sessionId,
        });
        writes.pExpire(`${REDIS_USER_SESSIONS_PREFIX}${userId}`, SEEDED_SESSION_LIFETIME_MS);
      }
      await writes.exec();
    } else {
      await insertAll(
        manager,
        Session,
        rows.map(({ userId, sessionId, handle, device = BENCH_DEVICE }) => ({
          id: sessionId,
          expiresAt,
          data: signedInSessionData(userId, handle, device),
          userId,
          handle,
          createdAt: seededAt,
          lastSeenAt: seededAt,
          ip: device.ip,
          userAgent: device.userAgent,
        })),
      );
    }
  };

  await dataSource.transaction(async (manager) => {
    for (let first = 1; first <= count; first += BATCH) {
      const batch = range(first, Math.min(first + BATCH, count + 1)).map((id) => ({
        id,
        email: `user${id}@bench.example`,
        password: PASSWORD,
        sessionId: randomBytes(24).toString('base64url'),
        handle: randomBytes(16).toString('base64url'),
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
      await insertSessions(
        manager,
        batch.map(({ id, sessionId, handle }) => ({ userId: id, sessionId, handle })),
      );
      accounts.push(
        ...batch.map(({ email, password, sessionId }) => ({ email, password, sessionId })),
      );
    }
    for (let first = 0; first < moreSessions; first += BATCH) {
      const rows = range(first, Math.min(first + BATCH, moreSessions)).map((n) => ({
        userId: (n % count) + 1,
        sessionId: randomBytes(24).toString('base64url'),
        handle: randomBytes(16).toString('base64url'),
      }));
      await insertSessions(manager, rows);
      moreSessionIds.push(...rows.map(({ sessionId }) => sessionId));
    }
    if (crowdedSessions > 0) {
      crowdedSessionIds.push(
        accounts[0].sessionId,
        ...moreSessionIds.filter((_, n) => n % count === 0),
      );
      const rows = range(crowdedSessionIds.length, crowdedSessions).map((n) => ({
        userId: 1,
        sessionId: randomBytes(24).toString('base64url'),
        handle: randomBytes(16).toString('base64url'),
        device: { ip: `198.51.100.${n % 250}`, userAgent: USER_AGENTS[n % USER_AGENTS.length] },
      }));
      await insertSessions(manager, rows);
      crowdedSessionIds.push(...rows.map(({ sessionId }) => sessionId));
    }
  });

  if (dataSource.options.type === 'sqlite') {
    // Moves the seeded rows from the write-ahead log into the database file, where a database
    // that has been running for a while keeps them.
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  } else {
    // The ids were given explicitly: move the sequence past them, and refresh the statistics.
    await dataSource.query(`SELECT setval(pg_get_serial_sequence('users', 'id'), ${count})`);
    await dataSource.query('ANALYZE');
  }

  return {
    accounts,
    moreSessionIds,
    crowdedSessionIds,
    database: {
      description: redis ? `${storage.description}, sessions in Redis` : storage.description,
      env: { DATABASE_URL: storage.databaseUrl, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
      countSessions: () =>
        redis ? countRedisSessions(redis) : dataSource.getRepository(Session).count(),
      close: async () => {
        if (redis) {
          const ids = [
            ...[
              ...accounts.map(({ sessionId }) => sessionId),
              ...moreSessionIds,
              ...crowdedSessionIds,
            ].map((sessionId) => `${REDIS_SESSION_PREFIX}${sessionId}`),
            ...range(1, count + 1).map((id) => `${REDIS_USER_SESSIONS_PREFIX}${id}`),
          ];
          for (let first = 0; first < ids.length; first += BATCH) {
            await redis.unlink(ids.slice(first, first + BATCH));
          }
          await redis.close();
        }
        await dataSource.destroy();
        await storage.drop();
      },
    },
  };
}

/** The prefixes of the app's session keys and per-user indexes in Redis (see RedisSessionStore). */
const REDIS_SESSION_PREFIX = 'session:';
const REDIS_USER_SESSIONS_PREFIX = 'user-sessions:';

async function countRedisSessions(redis: RedisClientType): Promise<number> {
  let sessions = 0;
  for await (const keys of redis.scanIterator({ MATCH: `${REDIS_SESSION_PREFIX}*`, COUNT: 1000 })) {
    sessions += keys.length;
  }
  return sessions;
}

/** One seeded session: whose it is, its id, its public handle, and its browser and address. */
interface SessionRow {
  userId: number;
  sessionId: string;
  handle: string;
  device?: SeededDevice;
}

interface SeededDevice {
  ip: string;
  userAgent: string;
}

const BENCH_DEVICE: SeededDevice = { ip: '127.0.0.1', userAgent: 'bench' };

/** Browsers of today, for the sessions of the busy account: the page names each one. */
const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
];

/**
 * A session's JSON as the app stores it at sign-in: the cookie's settings, Passport's user id,
 * the device record of the sign-in and the time of sign-in (SESSION_ABSOLUTE_HOURS counts from
 * it). Form tokens live in a cookie, not here, so a signed-in page view leaves it as it was.
 */
function signedInSessionData(
  userId: number,
  handle: string,
  { ip, userAgent }: SeededDevice = BENCH_DEVICE,
): string {
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
    device: { handle, createdAt: Date.now(), ip, userAgent },
    signedInAt: Date.now(),
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
