import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from './app-config';

const SECRET = 'a-very-long-session-secret-of-40-chars!!';
/** What production requires besides SESSION_SECRET. */
const PRODUCTION = {
  NODE_ENV: 'production',
  APP_URL: 'https://auth.example.com',
  MAIL_URL: 'smtp://mailer:mail-password@smtp.example.com:587',
};
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The problems `loadConfig` reports for `env`, or fails the test when it accepts it. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe(loadConfig.name, () => {
  it('uses the documented defaults when nothing is set', () => {
    const sut = loadConfig({});

    expect(sut).toBeInstanceOf(AppConfig);
    expect(sut).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      workers: 1,
      host: '0.0.0.0',
      database: { type: 'sqlite', path: resolve('data/app.db') },
      bcryptCost: 12,
      limits: {
        loginAttemptsPerMinute: 5,
        loginAttemptsPerNetworkPerMinute: 60,
        registrationsPerHour: 20,
        resetRequestsPerAddressPerHour: 5,
        resetRequestsPerNetworkPerHour: 20,
        lockoutThreshold: 20,
        lockoutMs: 15 * MINUTE,
      },
      sessionTimeouts: { idleMs: 60 * MINUTE, absoluteMs: 24 * HOUR, rememberMs: 30 * DAY },
      httpLimits: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 20_000,
        keepAliveTimeoutMs: 5_000,
        maxConnections: 500,
      },
      appUrl: 'http://localhost:3000',
      mail: { from: 'Nest Auth <no-reply@localhost>' },
    });
    expect(sut.sessionSecrets).toBeUndefined();
    expect(sut.trustProxy).toBeUndefined();
    expect(sut.mail.url).toBeUndefined();
    expect(sut.isProduction).toBe(false);
  });

  it('treats empty and blank values as unset', () => {
    const sut = loadConfig({ PORT: '', BCRYPT_COST: '  ', NODE_ENV: '', SESSION_SECRET: '' });

    expect(sut).toMatchObject({ port: 3000, bcryptCost: 12, nodeEnv: 'development' });
    expect(sut.sessionSecrets).toBeUndefined();
  });

  it('reads valid settings into typed values', () => {
    const sut = loadConfig({
      ...PRODUCTION,
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite:/var/lib/app/app.db',
      SESSION_SECRET: `${SECRET},${SECRET.toUpperCase()}`,
      BCRYPT_COST: '4',
    });

    expect(sut).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      host: '127.0.0.1',
      database: { type: 'sqlite', path: '/var/lib/app/app.db' },
      sessionSecrets: [SECRET, SECRET.toUpperCase()],
      bcryptCost: 4,
      appUrl: 'https://auth.example.com',
      mail: { url: PRODUCTION.MAIL_URL, from: 'Nest Auth <no-reply@localhost>' },
    });
    expect(sut.isProduction).toBe(true);
  });

  it('reads the limits and session timeouts, turning minutes and hours into milliseconds', () => {
    const sut = loadConfig({
      THROTTLE_LOGIN_PER_MINUTE: '10',
      THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '200',
      THROTTLE_REGISTER_PER_HOUR: '100',
      THROTTLE_RESET_PER_ADDRESS_PER_HOUR: '3',
      THROTTLE_RESET_PER_NETWORK_PER_HOUR: '50',
      LOCKOUT_THRESHOLD: '8',
      LOCKOUT_MINUTES: '30',
      SESSION_IDLE_MINUTES: '20',
      SESSION_ABSOLUTE_HOURS: '8',
      REMEMBER_DAYS: '14',
    });

    expect(sut.limits).toEqual({
      loginAttemptsPerMinute: 10,
      loginAttemptsPerNetworkPerMinute: 200,
      registrationsPerHour: 100,
      resetRequestsPerAddressPerHour: 3,
      resetRequestsPerNetworkPerHour: 50,
      lockoutThreshold: 8,
      lockoutMs: 30 * MINUTE,
    });
    expect(sut.sessionTimeouts).toEqual({
      idleMs: 20 * MINUTE,
      absoluteMs: 8 * HOUR,
      rememberMs: 14 * DAY,
    });
  });

  it('reads the HTTP server limits, turning seconds into milliseconds', () => {
    const sut = loadConfig({
      HTTP_HEADERS_TIMEOUT_SECONDS: '5',
      HTTP_REQUEST_TIMEOUT_SECONDS: '8',
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '65',
      HTTP_MAX_CONNECTIONS: '2000',
    });

    expect(sut.httpLimits).toEqual({
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 8_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 2000,
    });
  });

  it('refuses a request timeout shorter than the headers timeout', () => {
    expect(
      problemsOf({ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '10' }),
    ).toEqual([
      'HTTP_REQUEST_TIMEOUT_SECONDS must be at least HTTP_HEADERS_TIMEOUT_SECONDS: the whole request includes its headers',
    ]);
  });

  it('runs one worker per core in production, one elsewhere, unless WORKERS says', () => {
    const production = { ...PRODUCTION, SESSION_SECRET: SECRET };

    expect(loadConfig(production).workers).toBe(availableParallelism());
    expect(loadConfig({ ...production, WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ WORKERS: '2' }).workers).toBe(2);
    expect(problemsOf({ WORKERS: '0' })).toEqual(['WORKERS must be a whole number from 1 to 64']);
  });

  it('treats empty limits and timeouts as unset', () => {
    const sut = loadConfig({
      THROTTLE_LOGIN_PER_MINUTE: '',
      THROTTLE_REGISTER_PER_HOUR: ' ',
      LOCKOUT_THRESHOLD: '',
      LOCKOUT_MINUTES: '',
      SESSION_IDLE_MINUTES: '',
      SESSION_ABSOLUTE_HOURS: '',
      REMEMBER_DAYS: ' ',
    });

    expect(sut.limits).toEqual(loadConfig({}).limits);
    expect(sut.sessionTimeouts).toEqual(loadConfig({}).sessionTimeouts);
  });

  it.each([
    ['THROTTLE_LOGIN_PER_MINUTE', '1', '1000'],
    ['THROTTLE_REGISTER_PER_HOUR', '1', '100000'],
    ['THROTTLE_RESET_PER_ADDRESS_PER_HOUR', '1', '1000'],
    ['THROTTLE_RESET_PER_NETWORK_PER_HOUR', '1', '100000'],
    ['LOCKOUT_THRESHOLD', '1', '1000'],
    ['LOCKOUT_MINUTES', '1', '1440'],
    ['SESSION_IDLE_MINUTES', '1', '1440'],
    ['SESSION_ABSOLUTE_HOURS', '1', '720'],
    ['REMEMBER_DAYS', '1', '400'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', '1', '600'],
    ['HTTP_MAX_CONNECTIONS', '1', '100000'],
  ])('accepts %s from %s to %s', (name, min, max) => {
    expect(() => loadConfig({ [name]: min })).not.toThrow();
    expect(() => loadConfig({ [name]: max })).not.toThrow();
  });

  it('resolves a relative sqlite path to an absolute one', () => {
    const sut = loadConfig({ DATABASE_URL: 'sqlite:tmp/test.db' });

    expect(sut.database).toEqual({ type: 'sqlite', path: resolve('tmp/test.db') });
    expect(sut.dataDir).toBe(resolve('tmp'));
  });

  it.each(['postgres://app:secret@db.internal:5432/app', 'postgresql://localhost/app'])(
    'accepts a PostgreSQL URL (%s), with the data folder in the working directory',
    (url) => {
      const sut = loadConfig({ DATABASE_URL: url });

      expect(sut.database).toEqual({ type: 'postgres', url });
      expect(sut.dataDir).toBe(resolve('data'));
    },
  );

  it('reads REDIS_URL, and refuses what is not a redis:// URL', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe(
      'redis://127.0.0.1:6379/2',
    );
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(
      'REDIS_URL must be redis://host:port (or rediss:// for TLS)',
    );
  });

  it('builds the default APP_URL on PORT', () => {
    expect(loadConfig({ PORT: '8080' }).appUrl).toBe('http://localhost:8080');
  });

  it.each([
    ['https://auth.example.com', 'https://auth.example.com'],
    ['https://auth.example.com/', 'https://auth.example.com'],
    ['https://Auth.Example.com:8443/', 'https://auth.example.com:8443'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['https://example.com/auth/', 'https://example.com/auth'],
  ])('reads APP_URL=%s as %s, without a trailing slash', (value, expected) => {
    expect(loadConfig({ APP_URL: value }).appUrl).toBe(expected);
  });

  it.each([
    'auth.example.com',
    'ftp://auth.example.com',
    'javascript:alert(1)',
    'https://auth.example.com/?next=/',
    'https://auth.example.com/#top',
    'https://user:password@auth.example.com',
    'https://auth.example.com/a b',
    'https://',
  ])('refuses APP_URL=%s with one line', (value) => {
    expect(problemsOf({ APP_URL: value })).toEqual([
      'APP_URL must be the http:// or https:// address of the app, without query string or fragment (such as https://auth.example.com)',
    ]);
  });

  it.each([
    'smtp://smtp.example.com',
    'smtp://127.0.0.1:2525',
    'smtp://mailer:p%40ss@smtp.example.com:587',
    'smtps://mailer:secret@smtp.example.com:465',
    'smtp://smtp.example.com:587/?tls.rejectUnauthorized=true',
  ])('reads MAIL_URL=%s', (value) => {
    expect(loadConfig({ MAIL_URL: value }).mail.url).toBe(value);
  });

  it.each([
    'http://smtp.example.com',
    'smtp.example.com:587',
    'smtp://',
    'smtp://smtp.example.com/path',
    'smtp://smtp.example.com#x',
  ])('refuses MAIL_URL=%s with one line', (value) => {
    expect(problemsOf({ MAIL_URL: value })).toEqual([
      'MAIL_URL must be smtp://user:password@host:port (or smtps:// for TLS)',
    ]);
  });

  it('never repeats the value of a refused MAIL_URL, which may hold a password', () => {
    const problems = problemsOf({ MAIL_URL: 'smtpx://mailer:hunter2-secret@smtp.example.com' });

    expect(problems.join('\n')).not.toContain('hunter2-secret');
  });

  it.each([
    ['no-reply@example.com'],
    ['Acme <no-reply@example.com>'],
    ['"Acme, Inc." <no-reply@example.com>'],
  ])('reads MAIL_FROM=%s', (value) => {
    expect(loadConfig({ MAIL_FROM: value }).mail.from).toBe(value);
  });

  it.each([
    ['not an address'],
    ['Acme <no-reply>'],
    ['Acme\r\nBcc: victim@example.com <no-reply@example.com>'],
    ['a@example.com, b@example.com'],
  ])('refuses MAIL_FROM=%j with one line', (value) => {
    expect(problemsOf({ MAIL_FROM: value })).toEqual([
      'MAIL_FROM must be an email address, optionally with a name: Name <address@example.com>',
    ]);
  });

  it('starts in production with APP_URL and MAIL_URL set', () => {
    expect(() => loadConfig(PRODUCTION)).not.toThrow();
  });

  it.each(['APP_URL', 'MAIL_URL'])('refuses to start in production without %s', (name) => {
    const problems = problemsOf({ ...PRODUCTION, [name]: '' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} must be set in production: `));
  });

  it('names both when production has neither APP_URL nor MAIL_URL', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^APP_URL must be set in production/),
      expect.stringMatching(/^MAIL_URL must be set in production/),
    ]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '0'],
    ['BCRYPT_COST', '3'],
    ['BCRYPT_COST', '32'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_URL', 'mysql://x'],
    ['SESSION_SECRET', 'too-short'],
    ['TRUST_PROXY', 'true'],
    ['HOST', 'local host'],
    ['THROTTLE_LOGIN_PER_MINUTE', '0'],
    ['THROTTLE_LOGIN_PER_MINUTE', '1001'],
    ['THROTTLE_LOGIN_PER_MINUTE', 'five'],
    ['THROTTLE_REGISTER_PER_HOUR', '0'],
    ['THROTTLE_REGISTER_PER_HOUR', '100001'],
    ['THROTTLE_REGISTER_PER_HOUR', '2.5'],
    ['THROTTLE_RESET_PER_ADDRESS_PER_HOUR', '0'],
    ['THROTTLE_RESET_PER_ADDRESS_PER_HOUR', '1001'],
    ['THROTTLE_RESET_PER_NETWORK_PER_HOUR', '100001'],
    ['LOCKOUT_THRESHOLD', '0'],
    ['LOCKOUT_THRESHOLD', '1001'],
    ['LOCKOUT_THRESHOLD', '-3'],
    ['LOCKOUT_MINUTES', '0'],
    ['LOCKOUT_MINUTES', '1441'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['SESSION_IDLE_MINUTES', '1441'],
    ['SESSION_IDLE_MINUTES', '1.5'],
    ['SESSION_ABSOLUTE_HOURS', '0'],
    ['SESSION_ABSOLUTE_HOURS', '721'],
    ['REMEMBER_DAYS', '0'],
    ['REMEMBER_DAYS', '401'],
    ['REMEMBER_DAYS', '30 days'],
    ['REMEMBER_DAYS', '-1'],
  ])('refuses %s=%s with one line naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
    expect(problems[0]).not.toContain('\n');
  });

  it.each([
    ['THROTTLE_LOGIN_PER_MINUTE', '1 to 1000'],
    ['THROTTLE_REGISTER_PER_HOUR', '1 to 100000'],
    ['THROTTLE_RESET_PER_ADDRESS_PER_HOUR', '1 to 1000'],
    ['THROTTLE_RESET_PER_NETWORK_PER_HOUR', '1 to 100000'],
    ['LOCKOUT_THRESHOLD', '1 to 1000'],
    ['LOCKOUT_MINUTES', '1 to 1440'],
    ['SESSION_IDLE_MINUTES', '1 to 1440'],
    ['SESSION_ABSOLUTE_HOURS', '1 to 720'],
    ['REMEMBER_DAYS', '1 to 400'],
  ])('tells the range of %s (%s) when it is out of it', (name, range) => {
    expect(problemsOf({ [name]: '0' })).toEqual([`${name} must be a whole number from ${range}`]);
  });

  it('refuses a SESSION_SECRET list when one of its secrets is too short', () => {
    expect(problemsOf({ SESSION_SECRET: `${SECRET},short` })).toEqual([
      expect.stringMatching(/^SESSION_SECRET /),
    ]);
  });

  it('checks each secret of a list as it will be used, trimmed', () => {
    const padded = `  ${'x'.repeat(30)}  `;
    expect(problemsOf({ SESSION_SECRET: `${SECRET}, ${padded}` })).toEqual([
      expect.stringMatching(/^SESSION_SECRET /),
    ]);
    expect(
      loadConfig({ SESSION_SECRET: ` ${SECRET} , ${SECRET.toUpperCase()} ` }).sessionSecrets,
    ).toEqual([SECRET, SECRET.toUpperCase()]);
  });

  it('reports every bad setting, one line each', () => {
    const problems = problemsOf({ PORT: 'abc', BCRYPT_COST: '3', NODE_ENV: 'staging' });

    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT /),
        expect.stringMatching(/^BCRYPT_COST /),
        expect.stringMatching(/^NODE_ENV /),
      ]),
    );
  });

  it('never repeats the value of a refused SESSION_SECRET', () => {
    const secret = 'hunter2-is-my-secret';

    let thrown: unknown;
    try {
      loadConfig({ SESSION_SECRET: secret });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).not.toContain(secret);
    expect((thrown as ConfigError).problems.join('\n')).not.toContain(secret);
  });

  it.each([
    ['1', 1],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 192.168.1.1', '10.0.0.0/8, 192.168.1.1'],
    ['loopback,172.16.0.0/12,fd00::/8', 'loopback,172.16.0.0/12,fd00::/8'],
  ])('accepts TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });
});
