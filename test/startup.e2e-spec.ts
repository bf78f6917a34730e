import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port';

/** The processes started by the current test; a test that fails or times out leaves none. */
const started: ChildProcess[] = [];

/** Runs src/main.ts as `npm start` runs dist/main.js, in a process of its own. */
function startMain(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH, ...env },
  });
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
    expect(output()).toContain(`Listening on http://localhost:${port}`);
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
});
