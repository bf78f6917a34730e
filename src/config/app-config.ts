import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isAbsolute, resolve } from 'node:path';
import { Environment, NodeEnv } from './environment';

export interface SqliteDatabaseConfig {
  type: 'sqlite';
  /** Absolute path of the database file. */
  path: string;
}

export type DatabaseConfig = SqliteDatabaseConfig;

/** The validated, typed settings of one running application. Injected by its class. */
export class AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  /** Secrets from SESSION_SECRET, newest first; unset means "generate or read the local one". */
  readonly sessionSecrets?: string[];
  readonly bcryptCost: number;
  /** Express's `trust proxy` value, or undefined when the app faces clients directly. */
  readonly trustProxy?: number | string;

  constructor(values: Omit<AppConfig, 'isProduction'>) {
    this.nodeEnv = values.nodeEnv;
    this.port = values.port;
    this.host = values.host;
    this.database = values.database;
    this.sessionSecrets = values.sessionSecrets;
    this.bcryptCost = values.bcryptCost;
    this.trustProxy = values.trustProxy;
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

/** Thrown at start-up when settings are wrong; each problem is one line naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

const VARIABLES: (keyof Environment)[] = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'SESSION_SECRET',
  'BCRYPT_COST',
  'TRUST_PROXY',
];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const name of VARIABLES) {
    const value = env[name]?.trim();
    // An empty variable (`PORT=` in a .env file) means "use the default".
    if (value) {
      raw[name] = value;
    }
  }

  const parsed = plainToInstance(Environment, raw);
  const errors = validateSync(parsed);
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((error) => {
        const message = Object.values(error.constraints ?? {})[0] ?? 'is not valid';
        return `${error.property} ${message}`;
      }),
    );
  }

  return new AppConfig({
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    database: parseDatabaseUrl(parsed.DATABASE_URL),
    sessionSecrets: parsed.SESSION_SECRET?.split(',').map((secret) => secret.trim()),
    bcryptCost: parsed.BCRYPT_COST,
    trustProxy: parseTrustProxy(parsed.TRUST_PROXY),
  });
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  const path = url.slice('sqlite:'.length);
  return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
}

function parseTrustProxy(value: string | undefined): number | string | undefined {
  if (value === undefined) {
    return undefined;
  }
  return /^\d+$/.test(value) ? Number(value) : value;
}
