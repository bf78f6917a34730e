import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { Database } from 'sqlite3';
import { AppProcess, startAppProcess } from '../helpers/app-process';
import { createPostgresDatabase } from '../helpers/test-database';
import { Client } from './http-client';

const CLIENTS = 8;
const PASSWORD = 'correct-horse-battery-staple';
/** Fewer acknowledged registrations than this before the crash would prove little. */
const AT_LEAST_ACKNOWLEDGED = 10;

/** A database the app runs on, read here directly, as it is after the crash. */
interface Target {
  url: string;
  /** The email of every account stored. */
  emails(): Promise<Set<string>>;
  /** `PRAGMA integrity_check` (SQLite): 'ok', or what is wrong with the file. */
  integrity?(): Promise<string>;
  remove(): Promise<void>;
}

function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-auth-crash-'));
  const path = join(dir, 'app.db');
  return Promise.resolve({
    url: `sqlite:${path}`,
    emails: async () =>
      new Set((await sqliteAll<{ email: string }>(path, 'SELECT email FROM users')).map(emailOf)),
    integrity: async () =>
      (await sqliteAll<{ integrity_check: string }>(path, 'PRAGMA integrity_check'))
        .map((row) => row.integrity_check)
        .join('\n'),
    remove: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
}

/**
 * A database of its own on the test server. PostgreSQL survives a crash of its client by itself:
 * what is checked there is that the app answers 303 only for what it has committed.
 */
async function postgresTarget(): Promise<Target> {
  const database = await createPostgresDatabase();
  return {
    url: database.url,
    emails: async () => {
      const client = new PgClient({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ email: string }>('SELECT email FROM users');
        return new Set(rows.map(emailOf));
      } finally {
        await client.end();
      }
    },
    remove: () => database.drop(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const emailOf = (row: { email: string }) => row.email;

/** Opens the file as the app would after the crash (replaying what its WAL holds). */
function sqliteAll<T>(path: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new Database(path, (opened) => {
      if (opened) {
        reject(opened);
        return;
      }
      db.configure('busyTimeout', 5_000);
      db.all<T>(sql, (error, rows) => db.close(() => (error ? reject(error) : resolve(rows))));
    });
  });
}

/** Figures worth reading in the CI log (the lint rules keep console.log out of tests). */
function report(line: string): void {
  process.stderr.write(`[crash-safety] ${line}\n`);
}

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('SIGKILL during registrations on %s', (name, createTarget) => {
  let target: Target;
  let app: AppProcess | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    target = await createTarget();
    env = {
      DATABASE_URL: target.url,
      BCRYPT_COST: '4',
      THROTTLE_REGISTER_PER_HOUR: '100000',
      THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '100000',
    };
  });

  afterAll(async () => {
    await app?.stop();
    await target?.remove();
  });

  it('keeps every account whose registration was answered 303, and starts again', async () => {
    app = await startAppProcess(env);
    const running = app;

    // Random unless CRASH_KILL_AFTER_MS fixes it (to replay a run whose log gave the delay).
    const killAfterMs =
      Number(process.env.CRASH_KILL_AFTER_MS) || 1000 + Math.floor(Math.random() * 2000);
    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let failedAtTheCrash = 0;
    const crash: { at?: number } = {};

    // Each client opens the form (its CSRF token), then posts it, again and again.
    const registerInALoop = async (client: number) => {
      for (let i = 1; crash.at === undefined; i++) {
        const email = `crash${client}.${i}@example.com`;
        try {
          const res = await new Client().submit(running.url, '/register', {
            username: `crash${client}_${i}`,
            email,
            password: PASSWORD,
            confirmPassword: PASSWORD,
          });
          if (res.status === 303) {
            acknowledged.push(email);
          } else {
            unexpected.push(`${email}: ${res.status}`);
          }
        } catch (error) {
          // Sockets cut by the crash; before it, any failure is a fault.
          if (crash.at === undefined) {
            const { message, cause } = error as Error;
            unexpected.push(`${email}: ${message} (${String(cause)})`);
            return;
          }
          failedAtTheCrash += 1;
        }
      }
    };
    const startedAt = Date.now();
    const clients = Array.from({ length: CLIENTS }, (_, client) => registerInALoop(client + 1));
    await sleep(killAfterMs);
    // On a busy machine the first registrations can be slow: enough must be answered before the
    // crash for the test to prove anything, so wait for them, then a random moment more.
    if (acknowledged.length < AT_LEAST_ACKNOWLEDGED) {
      const deadline = Date.now() + 30_000;
      while (
        acknowledged.length < AT_LEAST_ACKNOWLEDGED &&
        unexpected.length === 0 &&
        Date.now() < deadline
      ) {
        await sleep(50);
      }
      await sleep(Math.floor(Math.random() * 1000));
    }
    crash.at = Date.now();
    expect(await running.kill('SIGKILL')).toBe('SIGKILL');
    await Promise.all(clients);

    const stored = await target.emails();
    const integrity = (await target.integrity?.()) ?? 'not applicable';
    report(
      `${name}: SIGKILL after ${crash.at - startedAt} ms (drawn: ${killAfterMs} ms); ` +
        `${acknowledged.length} registrations answered 303, ${failedAtTheCrash} cut by the ` +
        `crash; ${stored.size} accounts stored; integrity_check: ${integrity}`,
    );

    if (unexpected.length > 0) {
      report(`${name}: the end of the app's output:\n${running.output().slice(-4000)}`);
    }
    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(AT_LEAST_ACKNOWLEDGED);
    expect(acknowledged.filter((email) => !stored.has(email))).toEqual([]);
    // Anything else stored was in flight at the crash: committed, its answer lost.
    expect(stored.size).toBeLessThanOrEqual(acknowledged.length + failedAtTheCrash);
    if (target.integrity) {
      expect(integrity).toBe('ok');
    }

    // Restarted on the same database: it serves, the last acknowledged account signs in, and a
    // new one can register.
    app = await startAppProcess(env);
    expect((await new Client().get(`${app.url}/login`)).status).toBe(200);
    const signIn = await new Client().submit(app.url, '/login', {
      email: acknowledged[acknowledged.length - 1],
      password: PASSWORD,
    });
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe('/');
    const after = await new Client().submit(app.url, '/register', {
      username: 'aftercrash',
      email: 'after.crash@example.com',
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(after.status).toBe(303);
  }, 150_000);
});
