import 'reflect-metadata';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { resolveSessionSecrets, sessionSecretFile } from './session-secret';

const SECRET = 'x'.repeat(32);

describe(resolveSessionSecrets.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'session-secret-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A config whose SQLite database lives in this test's temporary folder. */
  const configWith = (env: NodeJS.ProcessEnv = {}) =>
    loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'data', 'app.db')}`,
      // Required in production; ignored otherwise.
      APP_URL: 'https://auth.example.com',
      MAIL_URL: 'smtp://127.0.0.1:1',
      ...env,
    });

  it('uses SESSION_SECRET when it is set, split into a list on commas', () => {
    const other = 'y'.repeat(40);

    expect(resolveSessionSecrets(configWith({ SESSION_SECRET: `${SECRET},${other}` }))).toEqual([
      SECRET,
      other,
    ]);
  });

  it('uses SESSION_SECRET in production', () => {
    const config = configWith({ NODE_ENV: 'production', SESSION_SECRET: SECRET });

    expect(resolveSessionSecrets(config)).toEqual([SECRET]);
  });

  it('refuses to start in production without SESSION_SECRET, and writes no file', () => {
    const config = configWith({ NODE_ENV: 'production' });

    expect(() => resolveSessionSecrets(config)).toThrow(ConfigError);
    expect(() => statSync(sessionSecretFile(config))).toThrow();
  });

  it('otherwise generates a secret kept beside the database with mode 0600', () => {
    const config = configWith();

    const [secret] = resolveSessionSecrets(config);

    const file = sessionSecretFile(config);
    expect(file).toBe(join(dir, 'data', 'session-secret'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(secret.length).toBeGreaterThanOrEqual(32);
  });

  it('returns the same generated secret on the next start', () => {
    const [first] = resolveSessionSecrets(configWith());
    const [second] = resolveSessionSecrets(configWith());

    expect(second).toBe(first);
  });

  it('gives a ConfigError naming the file when the stored secret is damaged', () => {
    const config = configWith();
    resolveSessionSecrets(config);
    writeFileSync(sessionSecretFile(config), 'short\n');

    expect(() => resolveSessionSecrets(config)).toThrow(ConfigError);
    expect(() => resolveSessionSecrets(config)).toThrow(sessionSecretFile(config));
  });
});
