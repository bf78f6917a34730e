import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createClient } from 'redis';
import * as sqlite3 from 'sqlite3';
import { createPostgresDatabase } from '../test/helpers/test-database';
import { emptyRedisDatabase, flushRedis } from '../test/scale/test-redis';

/** What the database and Redis hold after the run: what the checks compare with the setup's. */
export interface Stored {
  users: number;
  /** Every stored session, signed in or not, from the database and from Redis. */
  sessionIds: string[];
}

/** Where the app keeps its data during a run, made for the run and removed after it. */
export interface Storage {
  description: string;
  /** The settings that point the app at it. */
  env: Record<string, string>;
  /** Reads it, once the app has stopped. */
  read(): Promise<Stored>;
  remove(): Promise<void>;
}

/**
 * A temporary SQLite file (the default), or with FUZZ_DATABASE=postgres a database created on the
 * TEST_DATABASE_URL server and an empty logical database of the TEST_REDIS_URL server, as
 * `npm run test:scale` does.
 */
export async function createStorage(kind: string): Promise<Storage> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'nest-auth-fuzz-'));
    const file = join(dir, 'app.db');
    return {
      description: `SQLite (${file})`,
      env: { DATABASE_URL: `sqlite:${file}` },
      read: async () => {
        const users = await sqliteRows<{ n: number }>(file, 'SELECT COUNT(*) AS n FROM users');
        const sessions = await sqliteRows<{ id: string }>(file, 'SELECT id FROM sessions');
        return { users: users[0].n, sessionIds: sessions.map((row) => row.id) };
      },
      remove: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (kind !== 'postgres') {
    throw new Error(`FUZZ_DATABASE must be sqlite or postgres, not ${kind}`);
  }
  const database = await createPostgresDatabase(undefined, 'nest_auth_fuzz');
  const redisUrl = await emptyRedisDatabase();
  return {
    description: `PostgreSQL (${new URL(database.url).pathname.slice(1)}) and Redis (${redisUrl})`,
    env: { DATABASE_URL: database.url, REDIS_URL: redisUrl },
    read: async () => {
      const client = new PgClient({ connectionString: database.url });
      await client.connect();
      try {
        const users = await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM users');
        const sessions = await client.query<{ id: string }>('SELECT id FROM sessions');
        return {
          users: Number(users.rows[0].n),
          sessionIds: sessions.rows.map((row) => row.id).concat(await redisSessionIds(redisUrl)),
        };
      } finally {
        await client.end();
      }
    },
    remove: async () => {
      await database.drop();
      await flushRedis(redisUrl);
    },
  };
}

function sqliteRows<Row>(file: string, sql: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) {
        reject(openError);
        return;
      }
      db.all(sql, (error: Error | null, rows: Row[]) => {
        db.close();
        if (error) {
          reject(error);
        } else {
          resolve(rows);
        }
      });
    });
  });
}

/** The ids of the sessions in Redis (`session:<id>` keys). */
async function redisSessionIds(url: string): Promise<string[]> {
  const client = createClient({ url });
  await client.connect();
  try {
    const ids: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: 'session:*', COUNT: 1000 })) {
      ids.push(...keys.map((key) => key.slice('session:'.length)));
    }
    return ids;
  } finally {
    await client.close();
  }
}
