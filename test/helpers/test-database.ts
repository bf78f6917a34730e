import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/** The PostgreSQL server the Postgres runs use: its URL names a database to connect to. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the suite runs on PostgreSQL (`npm run test:postgres`) rather than SQLite. */
export const ON_POSTGRES = process.env.E2E_DATABASE === 'postgres';

export interface TestDatabase {
  /** DATABASE_URL for the app. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one app: a SQLite file in `dir`, or a PostgreSQL database created
 * on the test server (and dropped by `drop`).
 */
export async function createTestDatabase(dir: string): Promise<TestDatabase> {
  if (!ON_POSTGRES) {
    return { url: `sqlite:${join(dir, 'app.db')}`, drop: () => Promise.resolve() };
  }
  return createPostgresDatabase();
}

/**
 * A new, empty database on a PostgreSQL server (by default the test server), dropped by `drop`.
 * `server` is any URL of that server: the database it names is only where the client connects.
 */
export async function createPostgresDatabase(
  server = TEST_DATABASE_URL,
  prefix = 'nest_auth_e2e',
): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(server: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** SQL written with `?` placeholders, numbered as `$1, $2...` for PostgreSQL. */
export function placeholders(sql: string): string {
  let index = 0;
  return ON_POSTGRES ? sql.replace(/\?/g, () => `$${++index}`) : sql;
}
