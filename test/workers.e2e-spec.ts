import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aRegistration, csrfTokenIn } from './helpers/forms';
import { freePort } from './helpers/free-port';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

// WORKERS=2: two processes on one port (node:cluster) and one database (SQLite in WAL mode, or
// PostgreSQL under `npm run test:postgres`). Each request here goes on a new connection, which
// the cluster hands to the next worker; the request log says which worker answered
// (`"worker"`, found by the answer's X-Request-Id). What one worker does, the other must see.

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  worker: number;
}

/** The app as `npm start` runs it (here from the sources), with `WORKERS=2`. */
class ClusteredApp {
  private output = '';
  /** The worker that answered the last request. */
  lastWorker = 0;
  readonly child: ChildProcess;

  constructor(
    readonly port: number,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: join(__dirname, '..'),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        BCRYPT_COST: '4',
        SESSION_SECRET: 'workers-test-session-secret-0123456789abcdef',
        WORKERS: '2',
        ...env,
      },
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    }
  }

  /** Resolves once both workers listen. */
  async started(): Promise<void> {
    for (let waited = 0; waited < 100_000; waited += 200) {
      if ((this.output.match(/Listening on/g) ?? []).length === 2) {
        return;
      }
      if (this.child.exitCode !== null) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`The workers did not start:\n${this.output}`);
  }

  /** The worker whose request log line has this request id (lines are written within 1 s). */
  async workerOf(requestId: string): Promise<number> {
    for (let waited = 0; waited < 5000; waited += 100) {
      for (const line of this.output.split('\n')) {
        if (line.includes(requestId)) {
          return (JSON.parse(line) as { worker: number }).worker;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`No log line for request ${requestId}`);
  }

  errors(): string[] {
    return this.output.split('\n').filter((line) => /"level":"(error|fatal)"/.test(line));
  }
}

/** A browser stand-in whose every request opens a new connection. */
class Browser {
  private readonly cookies = new Map<string, string>();

  /** Starts with the cookies of `cookieHeader` (`name=value; ...`), if given. */
  constructor(
    private readonly app: ClusteredApp,
    cookieHeader = '',
  ) {
    for (const pair of cookieHeader.split('; ').filter(Boolean)) {
      const [name, value] = pair.split('=');
      this.cookies.set(name, value);
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async send(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const answer = await new Promise<Omit<Answer, 'worker'>>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.app.port,
          method,
          path,
          agent: false,
          headers: {
            Cookie: this.cookieHeader,
            ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    for (const cookie of (answer.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, value] = pair.split('=');
      const cleared = attributes.some((attribute) => /expires=Thu, 01 Jan 1970/i.test(attribute));
      if (cleared) {
        this.cookies.delete(name.trim());
      } else {
        this.cookies.set(name.trim(), value);
      }
    }
    const worker = await this.app.workerOf(answer.headers['x-request-id'] as string);
    this.app.lastWorker = worker;
    return { ...answer, worker };
  }

  /**
   * Opens `page` and posts its form so that `worker` answers the post: the cluster hands new
   * connections to the workers in turn, so the form is opened on the other one.
   */
  async submitOn(worker: number, page: string, fields: Record<string, string>) {
    for (let attempt = 0; attempt < 4 && this.app.lastWorker !== worker; attempt++) {
      await this.send('GET', '/healthz');
    }
    return this.submit(page, fields);
  }

  async submit(page: string, fields: Record<string, string>) {
    const form = await this.send('GET', page);
    return this.send('POST', page, { _csrf: csrfTokenIn(form.text), ...fields });
  }

  /** Sends GET `path` until the other worker than `worker` answers it. */
  async getFromOtherWorker(path: string, worker: number): Promise<Answer> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const answer = await this.send('GET', path);
      if (answer.worker !== worker) {
        return answer;
      }
    }
    throw new Error(`Worker ${worker} answered every GET ${path}`);
  }
}

describe('Two workers (WORKERS=2) on one port and one database', () => {
  let dir: string;
  let database: TestDatabase;
  let app: ClusteredApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nest-auth-workers-'));
    database = await createTestDatabase(dir);
    app = new ClusteredApp(await freePort(), {
      DATABASE_URL: database.url,
      THROTTLE_LOGIN_PER_MINUTE: '100',
      LOCKOUT_THRESHOLD: '3',
    });
    await app.started();
  }, 120_000);

  afterAll(async () => {
    if (app.child.exitCode === null) {
      const exited = new Promise((resolve) => app.child.once('exit', resolve));
      app.child.kill('SIGTERM');
      await exited;
    }
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('both workers answer, in turn', async () => {
    const browser = new Browser(app);
    const workers = new Set<number>();
    for (let i = 0; i < 4; i++) {
      workers.add((await browser.send('GET', '/login')).worker);
    }

    expect([...workers].sort()).toEqual([1, 2]);
  });

  it('a sign-in on one worker holds on the other, and so does a sign-out', async () => {
    const browser = new Browser(app);
    const account = aRegistration();
    expect((await browser.submit('/register', { ...account })).status).toBe(303);
    await browser.submit('/logout', {});

    const signIn = await browser.submit('/login', {
      email: account.email,
      password: account.password,
    });
    expect(signIn.status).toBe(303);
    const home = await browser.getFromOtherWorker('/', signIn.worker);
    expect(home.status).toBe(200);
    expect(home.text).toContain(account.username);

    const signedInCookies = browser.cookieHeader;
    const signOut = await browser.submit('/logout', {});
    expect(signOut.status).toBe(303);
    // The old cookie, replayed, is signed out on the other worker too.
    const replay = new Browser(app, signedInCookies);
    const after = await replay.getFromOtherWorker('/', signOut.worker);
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2F');
  });

  it('failures counted on both workers lock the account on both', async () => {
    const browser = new Browser(app);
    const account = aRegistration();
    expect((await browser.submit('/register', { ...account })).status).toBe(303);
    await browser.submit('/logout', {});

    // Failures on worker 1, 2, 1: the threshold (3) is reached only if both count together.
    const failedOn: number[] = [];
    for (const worker of [1, 2, 1]) {
      const wrong = await browser.submitOn(worker, '/login', {
        email: account.email,
        password: 'wrong',
      });
      expect(wrong.status).toBe(401);
      failedOn.push(wrong.worker);
    }
    expect(failedOn).toEqual([1, 2, 1]);

    const refusedOn: number[] = [];
    for (const worker of [1, 2]) {
      const right = await browser.submitOn(worker, '/login', {
        email: account.email,
        password: account.password,
      });
      expect(right.status).toBe(429);
      expect(right.text).toContain('This account is locked after too many failed sign-ins.');
      refusedOn.push(right.worker);
    }
    expect(refusedOn).toEqual([1, 2]);
  });

  it('logged no error', () => {
    expect(app.errors()).toEqual([]);
  });
});
