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
  /** A Date, an ISO string or an epoch number, as the engine gives it; null when unverified. */
  emailVerifiedAt: Date | string | number | null;
}

/**
 * Finds a session and its user in one query. A disabled account's user is left out, as if the
 * session had none: the serializer then looks the account up and finds it may not sign in.
 */
export interface SessionLookup {
  find(sid: string): Promise<SessionWithUserRow | undefined>;
}

const COLUMNS =
  'SELECT s.data AS data, s.expires_at AS "expiresAt", s.last_seen_at AS "lastSeenAt", ' +
  'u.id AS "userId", u.username AS username, u.email AS email, ' +
  'u.email_verified_at AS "emailVerifiedAt" ' +
  'FROM sessions s LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL';

/** The part of sqlite3's connection that the lookup uses. */
interface SqliteConnection {
  get(
    sql: string,
    params: unknown[],
    callback: (error: Error | null, row?: SessionWithUserRow) => void,
  ): void;
}

/**
 * The query of every signed-in request, written once per engine and kept off TypeORM's query
 * builder, which cost as much CPU as the rest of the store: plain parameterised SQL, on SQLite
 * straight on the app's own connection.
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
    };
  }
  const sql = `${COLUMNS} WHERE s.id = ?`;
  return {
    find: (sid) =>
      new Promise((resolve, reject) => {
        const { databaseConnection } = dataSource.driver as unknown as {
          databaseConnection: SqliteConnection;
        };
        databaseConnection.get(sql, [sid], (error, row) => (error ? reject(error) : resolve(row)));
      }),
  };
}
