import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import * as shared from '../../helpers/app-process';

export interface AppProcess extends shared.AppProcess {
  /** Its SQLite file, for what a browser cannot do (such as break the database). */
  databasePath: string;
}

/** The built app in its own process, on a temporary SQLite database deleted by `stop`. */
export async function startAppProcess(): Promise<AppProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-auth-browser-'));
  const databasePath = join(dir, 'app.db');
  try {
    const app = await shared.startAppProcess({
      DATABASE_URL: `sqlite:${databasePath}`,
      // Each page of a spec file registers an account of its own, from one address.
      THROTTLE_REGISTER_PER_HOUR: '1000',
    });
    return {
      ...app,
      databasePath,
      stop: async () => {
        const code = await app.stop();
        rmSync(dir, { recursive: true, force: true });
        return code;
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs `action` while the app's `sessions` table is renamed away: every request that carries a
 * session cookie then fails inside the app, as when its database breaks, and gets the 500 page.
 */
export async function whileSessionsTableIsGone<T>(
  app: AppProcess,
  action: () => Promise<T>,
): Promise<T> {
  await execSql(app.databasePath, 'ALTER TABLE sessions RENAME TO sessions_gone');
  try {
    return await action();
  } finally {
    await execSql(app.databasePath, 'ALTER TABLE sessions_gone RENAME TO sessions');
  }
}

function execSql(path: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new Database(path);
    db.configure('busyTimeout', 2_000);
    db.exec(sql, (error) => db.close(() => (error ? reject(error) : resolve())));
  });
}
