import type { DatabaseSync, StatementSync } from 'node:sqlite';
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
  /** Releases what the lookup holds of its own (SQLite's reading connection). */
  close(): void;
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
      close: () => undefined,
    };
  }
  const sql = `${COLUMNS} WHERE s.id = ?`;
  const queued = (sid: string) =>
    new Promise<SessionWithUserRow | undefined>((resolve, reject) => {
      const { databaseConnection } = dataSource.driver as unknown as {
        databaseConnection: SqliteConnection;
      };
      databaseConnection.get(sql, [sid], (error, row) => (error ? reject(error) : resolve(row)));
    });
  if (!hasStableNodeSqlite()) {
    return { find: queued, close: () => undefined };
  }
  const reader = new SyncReader(dataSource.options.database as string, sql);
  return {
    find: (sid) => {
      const row = reader.get(sid);
      return row === UNREAD ? queued(sid) : Promise.resolve(row);
    },
    close: () => reader.close(),
  };
}

/**
 * Node.js's own SQLite (`node:sqlite`) is past its experimental stage from Node.js 24 on; on
 * Node.js 22 loading it prints a warning, so there every lookup takes sqlite3's queue.
 */
function hasStableNodeSqlite(): boolean {
  return Number(process.versions.node.split('.')[0]) >= 24;
}

/** The row could not be read at once (the file is locked, say): ask sqlite3 instead. */
const UNREAD = Symbol('unread');

/**
 * A second connection to the same file, through `node:sqlite`, that reads the session of a
 * request synchronously. sqlite3 runs every statement on libuv's thread pool, and a page spent
 * more time waiting for that round trip than running the query; in WAL mode a reader sees every
 * committed write and never waits for a writer. It never waits for a lock either (busy timeout
 * 0): whatever it cannot read at once goes to sqlite3's queue, which waits as the app's other
 * queries do, so the event loop is never held.
 */
class SyncReader {
  private database?: DatabaseSync;
  private statement?: StatementSync;

  constructor(
    private readonly path: string,
    private readonly sql: string,
  ) {}

  get(sid: string): SessionWithUserRow | undefined | typeof UNREAD {
    try {
      this.statement ??= this.connection().prepare(this.sql);
      return this.statement.get(sid) as SessionWithUserRow | undefined;
    } catch {
      return UNREAD;
    }
  }

  close(): void {
    this.database?.close();
    this.database = undefined;
    this.statement = undefined;
  }

  private connection(): DatabaseSync {
    if (!this.database) {
      // Loaded here, not at the top, so that Node.js 22 never loads it (see hasStableNodeSqlite).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
      this.database = new DatabaseSync(this.path, { timeout: 0 });
    }
    return this.database;
  }
}
