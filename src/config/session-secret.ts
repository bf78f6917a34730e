import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';
import { makeDataFolder } from './data-folder';

/** Where a generated secret is kept: in the data folder (beside the SQLite database). */
export function sessionSecretFile(config: AppConfig): string {
  return join(config.dataDir, 'session-secret');
}

/**
 * The secrets that sign session cookies, newest first. Outside production a missing
 * SESSION_SECRET is generated once and kept (mode 0600) so that sessions survive restarts.
 */
export function resolveSessionSecrets(config: AppConfig): string[] {
  if (config.sessionSecrets) {
    return config.sessionSecrets;
  }
  if (config.isProduction) {
    throw new ConfigError([
      'SESSION_SECRET must be set in production (at least 32 random characters)',
    ]);
  }

  const file = sessionSecretFile(config);
  makeDataFolder(dirname(file));
  const stored = readSecret(file);
  if (stored) {
    return [stored];
  }
  try {
    // 'wx' refuses to overwrite a secret that another process wrote a moment ago.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  return [readSecret(file) as string];
}

function readSecret(file: string): string | undefined {
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  if (secret.length < 32) {
    throw new ConfigError([
      `SESSION_SECRET is unset and ${file} is damaged: delete it to generate a new one`,
    ]);
  }
  return secret;
}
