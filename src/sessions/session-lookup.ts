import type { DataSource } from 'typeorm';

/** A session row with its user's columns (null without a user); PostgreSQL's bigints as text. */
export interface SessionWithUserRow {
  data: string;
  expiresAt: number | string;
  /** The latest recorded request (ms since the epoch). */
  lastSeenAt: number | string;
  userId: number | string | null;
  username: string | null;
  email: string | null;
}

/** Finds a session and its user in one query; `close` lets go of what it holds. */
export interface SessionLookup {
  find(sid: string): Promise<SessionWithUserRow | undefined>;
  close(): Promise<void>;
}

const COLUMNS =
  'SELECT s.data AS data, s.expires_at AS "expiresAt", s.last_seen_at AS "lastSeenAt", ' +
  'u.id AS "userId", u.username AS username, u.email AS email ' +
  'FROM sessions s LEFT JOIN users u ON u.id = s.user_id';

/** The part of sqlite3's prepared statement that the lookup uses. */
interface SqliteStatement {
  get(params: unknown[], callback: (error: Error | null, row?: SessionWithUserRow) => void): void;
  finalize(callback: () => void): void;
}

/**
 * The query of every signed-in request, written once per engine and kept off TypeORM's query
 * builder, which cost as much CPU as the rest of the store: on SQLite a statement prepared once
 * on the app's own connection (sqlite3 runs a statement's calls one after the other), on
 * PostgreSQL a plain parameterised query through the pool.
 */
export function sessionLookup(dataSource: DataSource): SessionLookup {
  if (dataSource.options.type === 'postgres') {
    return {
      find: async (sid) => {
        const rows = await dataSource.query<SessionWithUserRow[]>(`${COLUMNS} WHERE s.id = $1`, [
          sid,
        ]);
        return rows[0];
      },
      close: () => Promise.resolve(),
    };
  }
  let statement: SqliteStatement | undefined;
  const prepared = (): SqliteStatement => {
    // Prepared on first use: the connection exists once the DataSource is initialised.
    const connection = dataSource.driver as unknown as {
      databaseConnection: {
        prepare(sql: string, callback: (error: Error | null) => void): SqliteStatement;
      };
    };
    // A statement that failed to prepare answers each call with the error; the next one after
    // it tries again.
    statement ??= connection.databaseConnection.prepare(`${COLUMNS} WHERE s.id = ?`, (error) => {
      if (error) {
        statement = undefined;
      }
    });
    return statement;
  };
  return {
    find: (sid) =>
      new Promise((resolve, reject) =>
        prepared().get([sid], (error, row) => (error ? reject(error) : resolve(row))),
      ),
    close: () =>
      new Promise((resolve) => {
        if (!statement) {
          resolve();
          return;
        }
        statement.finalize(() => resolve());
        statement = undefined;
      }),
  };
}
