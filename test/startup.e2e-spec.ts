import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './helpers/free-port';

/** The processes started by the current test; a test that fails or times out leaves none. */
const started: ChildProcess[] = [];

const ROOT = join(__dirname, '..');

/**
 * Runs src/main.ts as `npm start` runs dist/main.js, in a process of its own, in the project's
 * folder or in `cwd`.
 */
function startMain(
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), join(ROOT, 'src', 'main.ts')],
    {
      cwd,
      env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.push(child);
  return { child, output: () => output };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

/** Waits (up to 45 s: it compiles as it starts) until the app answers /healthz on `port`. */
async function healthOf(port: number): Promise<number | undefined> {
  for (let attempt = 0; attempt < 225; attempt++) {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (health) {
      return health.status;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

describe('Start-up', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nest-auth-start-'));
  });

  afterEach(() => {
    for (const child of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops with one clear line per bad setting, and no stack trace', async () => {
    const { child, output } = startMain({
      DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
      PORT: 'eighty',
      BCRYPT_COST: '99',
      SESSION_SECRET: 'too-short-secret',
    });
    expect(await exitOf(child)).toBe(1);
    const lines = output().trim().split('\n');
    expect(lines).toEqual([
      'Configuration error: PORT must be a whole number from 1 to 65535',
      'Configuration error: SESSION_SECRET must be at least 32 characters long (each, when a list is given)',
      'Configuration error: BCRYPT_COST must be a whole number from 4 to 31',
    ]);
    expect(output()).not.toContain('too-short-secret');
  }, 60_000);

  /** What production requires besides SESSION_SECRET; nothing is sent to this SMTP server. */
  const PRODUCTION = {
    NODE_ENV: 'production',
    APP_URL: 'https://auth.example.test',
    MAIL_URL: 'smtp://127.0.0.1:1',
  };

  it('refuses to start in production without SESSION_SECRET', async () => {
    const { child, output } = startMain({
      ...PRODUCTION,
      DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
    });
    expect(await exitOf(child)).toBe(1);
    expect(output().trim()).toBe(
      'Configuration error: SESSION_SECRET must be set in production (at least 32 random characters)',
    );
  }, 60_000);

  it.each([
    ['APP_URL', 'the public https:// address of the app, such as https://auth.example.com'],
    ['MAIL_URL', 'the SMTP server, smtp://user:password@host:port (or smtps:// for TLS)'],
  ])(
    'refuses to start in production without %s',
    async (name, meaning) => {
      const { child, output } = startMain({
        ...PRODUCTION,
        [name]: '',
        SESSION_SECRET: 'a-production-secret-that-is-long-enough-0123456789',
        DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
      });
      expect(await exitOf(child)).toBe(1);
      expect(output().trim()).toBe(
        `Configuration error: ${name} must be set in production: ${meaning}`,
      );
    },
    60_000,
  );

  it('applies the migrations to a new database, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const { child, output } = startMain({
      DATABASE_URL: `sqlite:${join(dir, 'nested', 'app.db')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      BCRYPT_COST: '4',
    });
    const exited = exitOf(child);
    expect(await healthOf(port)).toBe(200);
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    // A form without its token: an audit event, written at once, before any exit.
    const forged = await fetch(`http://127.0.0.1:${port}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40example.com&password=x',
    });
    expect(forged.status).toBe(403);
    for (let attempt = 0; attempt < 50 && !output().includes('"malicious_csrf"'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output()).toContain('"event":"malicious_csrf"');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain(`Listening on http://127.0.0.1:${port}`);
    expect(output()).toContain(
      `Mail is not sent (MAIL_URL is not set): each one is written to ${join(dir, 'nested', 'mail')}`,
    );
    // Nest's listing of modules and routes is for LOG_LEVEL=debug.
    expect(output()).not.toContain('Mapped {/login, GET} route');
    // Request lines are written in batches; a clean stop writes the last one.
    expect(output()).toMatch(/"method":"POST","path":"\/login"\}.*"statusCode":403/);
  }, 60_000);

  it.each([
    ['0.0.0.0', true],
    ['127.0.0.1', false],
  ])(
    'with TRUST_PROXY and HOST=%s, warns that clients could bypass the proxy: %s',
    async (host, warns) => {
      const port = await freePort();
      const { child, output } = startMain({
        DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
        PORT: String(port),
        HOST: host,
        TRUST_PROXY: '1',
        BCRYPT_COST: '4',
      });
      const exited = exitOf(child);
      expect(await healthOf(port)).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output().includes(`TRUST_PROXY is set but HOST=${host}`)).toBe(warns);
    },
    60_000,
  );

  /** Starts the app, waits until it serves on `port`, stops it; what it printed. */
  async function runOnce(env: NodeJS.ProcessEnv, port: number, cwd?: string): Promise<string> {
    const { child, output } = startMain(env, cwd);
    const exited = exitOf(child);
    expect(await healthOf(port)).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return output();
  }

  /** Serves once on a free port of 127.0.0.1 with a SQLite file in `dir`, and `env`. */
  async function serveOnce(env: NodeJS.ProcessEnv): Promise<{ output: string; port: number }> {
    const port = await freePort();
    const output = await runOnce(
      {
        DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        BCRYPT_COST: '4',
        ...env,
      },
      port,
    );
    return { output, port };
  }

  describe('a .env file in the working directory', () => {
    it('is read, and says so', async () => {
      const port = await freePort();
      writeFileSync(
        join(dir, '.env'),
        `# copied from .env.example\nPORT=${port}\nHOST=127.0.0.1\nBCRYPT_COST=4\nDATABASE_URL=sqlite:${join(dir, 'app.db')}\nWORKERS=\n`,
      );

      const output = await runOnce({}, port, dir);

      expect(output).toContain(`Settings read from ${join(dir, '.env')}`);
      expect(output).toContain(`Listening on http://127.0.0.1:${port}`);
    }, 60_000);

    it('never overrides the real environment', async () => {
      const [fromFile, fromEnvironment] = [await freePort(), await freePort()];
      writeFileSync(
        join(dir, '.env'),
        `PORT=${fromFile}\nHOST=127.0.0.1\nBCRYPT_COST=4\nDATABASE_URL=sqlite:${join(dir, 'app.db')}\n`,
      );

      const output = await runOnce({ PORT: String(fromEnvironment) }, fromEnvironment, dir);

      expect(output).toContain(`Listening on http://127.0.0.1:${fromEnvironment}`);
      expect(output).not.toContain(String(fromFile));
    }, 60_000);
  });

  describe('log lines', () => {
    const SECRET = 'a-production-secret-that-is-long-enough-0123456789';

    it('are one JSON object each in production, with no secret', async () => {
      const { output, port } = await serveOnce({
        ...PRODUCTION,
        SESSION_SECRET: SECRET,
      });

      const lines = output.trim().split('\n');
      for (const line of lines) {
        expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain(
        `Listening on http://127.0.0.1:${port}`,
      );
      expect(output).not.toContain(SECRET);
    }, 60_000);

    it('are one readable line each with LOG_FORMAT=pretty, with no secret', async () => {
      const { output, port } = await serveOnce({
        LOG_FORMAT: 'pretty',
        SESSION_SECRET: SECRET,
      });

      const lines = output.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(
          `^\\[\\d\\d:\\d\\d:\\d\\d\\] INFO: \\(Bootstrap\\) Listening on http://127\\.0\\.0\\.1:${port}$`,
        ),
      );
      expect(lines.some((line) => line.startsWith('{'))).toBe(false);
      expect(lines.some((line) => /\] INFO: GET \/healthz 200 \d+ ms/.test(line))).toBe(true);
      expect(output).not.toContain(SECRET);
    }, 60_000);

    it('stop at LOG_LEVEL: warn hides the start-up lines', async () => {
      const { output } = await serveOnce({
        LOG_LEVEL: 'warn',
      });

      expect(output).not.toContain('Listening on');
      expect(output).not.toContain('request completed');
    }, 60_000);
  });

  describe('a start that cannot go on says why in one line, and exits 1', () => {
    /** Runs the app until it exits; its exit code and what it printed, trimmed. */
    async function failedStart(
      env: NodeJS.ProcessEnv,
    ): Promise<{ code: number | null; lines: string[] }> {
      const { child, output } = startMain({ BCRYPT_COST: '4', HOST: '127.0.0.1', ...env });
      const code = await exitOf(child);
      return { code, lines: output().trim().split('\n') };
    }

    it('a port that another program uses', async () => {
      const port = await freePort();
      const other = createServer();
      await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
      try {
        const { code, lines } = await failedStart({
          PORT: String(port),
          DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
        });

        expect(code).toBe(1);
        expect(lines).toEqual([
          `Cannot start: PORT: cannot listen on 127.0.0.1:${port}: another program uses that port. Stop it, or set PORT to a free port`,
        ]);
      } finally {
        other.close();
      }
    }, 60_000);

    it.each([
      ['a folder that cannot be made (under /proc)', () => '/proc/no-such-thing/app.db'],
      ['a file where a folder should be', () => join(dir, 'afile', 'app.db')],
    ])(
      'a SQLite path in %s',
      async (_name, path) => {
        writeFileSync(join(dir, 'afile'), '');
        const database = path();
        const why = database.startsWith('/proc')
          ? '/proc/no-such-thing cannot be made (ENOENT)'
          : `${join(dir, 'afile')} is a file, not a folder`;

        const { code, lines } = await failedStart({ DATABASE_URL: `sqlite:${database}` });

        expect(code).toBe(1);
        expect(lines).toEqual([
          `Configuration error: DATABASE_URL: the data folder ${dirname(database)} cannot be used: ${why}. Set DATABASE_URL=sqlite:PATH to a place this user can write`,
        ]);
      },
      60_000,
    );

    it('a PostgreSQL server that does not answer: a warning per retry, no stack trace, no password', async () => {
      const port = await freePort();

      const { code, lines } = await failedStart({
        DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/app`,
        SESSION_SECRET: 'a-session-secret-that-is-long-enough-0123456789',
      });

      expect(code).toBe(1);
      // Standard error's line and standard output's warnings may reach a pipe in either order.
      const [plain, logged] = [
        lines.filter((line) => !line.startsWith('{')),
        lines.filter((line) => line.startsWith('{')),
      ];
      expect(plain).toEqual([
        `Cannot start: DATABASE_URL: cannot use the PostgreSQL database at postgres://app:***@127.0.0.1:${port}/app: nothing answers at that address and port. Start the server, or fix DATABASE_URL`,
      ]);
      expect(logged.length).toBeGreaterThan(0);
      for (const line of logged) {
        expect(JSON.parse(line)).toMatchObject({
          level: 'warn',
          msg: expect.stringContaining('Retrying'),
        });
      }
      expect(lines.join('\n')).not.toMatch(/\n\s+at |s3cret-pw/);
    }, 60_000);
  });
});
