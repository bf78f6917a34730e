import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface AppProcess {
  /** Where the app listens, such as `http://127.0.0.1:41234`. */
  url: string;
  /** Its SQLite file, for what a browser cannot do (such as break the database). */
  databasePath: string;
  /** Stops it with SIGTERM, as a process manager would, and deletes its database. */
  stop(): Promise<void>;
}

/**
 * Starts the built application as `npm start` does (`node dist/main.js`), in its own process,
 * on a free port and a temporary SQLite database, and waits until `/healthz` answers.
 * `E2E_LOGS=1` shows what it logs.
 */
export async function startAppProcess(): Promise<AppProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build first (npm run test:browser does)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'nest-auth-browser-'));
  const databasePath = join(dir, 'app.db');
  const port = await freePort();
  // Only what the app needs: a developer's own REDIS_URL or TRUST_PROXY must not leak in.
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${databasePath}`,
      BCRYPT_COST: '4',
      SESSION_SECRET: 'browser-test-session-secret-0123456789abcdef',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (process.env.E2E_LOGS) {
        process.stderr.write(chunk);
      }
    });
  }

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- the app's output ---\n${output.join('')}`);
  }
  return { url, databasePath, stop };
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The app exited with code ${child.exitCode} while starting`);
    }
    const status = await fetch(`${url}/healthz`).then(
      (res) => res.status,
      () => undefined,
    );
    if (status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The app did not answer ${url}/healthz within ${START_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM, then SIGKILL if the app has not exited in time. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
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
