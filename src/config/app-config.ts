import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ENVIRONMENT_VARIABLES, Environment, LogFormat, LogLevel, NodeEnv } from './environment';

export interface SqliteDatabaseConfig {
  type: 'sqlite';
  /** Absolute path of the database file. */
  path: string;
}

export interface PostgresDatabaseConfig {
  type: 'postgres';
  url: string;
}

export type DatabaseConfig = SqliteDatabaseConfig | PostgresDatabaseConfig;

export interface RateLimitConfig {
  loginAttemptsPerMinute: number;
  loginAttemptsPerNetworkPerMinute: number;
  registrationsPerHour: number;
  resetRequestsPerAddressPerHour: number;
  resetRequestsPerNetworkPerHour: number;
  lockoutThreshold: number;
  lockoutMs: number;
}

export interface SessionTimeoutConfig {
  /** A session ends this long after its latest request... */
  idleMs: number;
  /** ... and this long after its sign-in, however active. */
  absoluteMs: number;
  /** A remembered sign-in ("Remember me") lasts this long instead, whatever its activity. */
  rememberMs: number;
}

/** What one client may hold of the HTTP server: time to send a request, idle time, sockets. */
export interface HttpLimitsConfig {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export interface LogConfig {
  /** One coloured line an event, for people; or one JSON object a line, for machines. */
  format: LogFormat;
  level: LogLevel;
}

export interface MailConfig {
  /** The SMTP server (smtp:// or smtps://); unset means each mail is written to a file. */
  url?: string;
  /** The From header: an address, optionally with a display name. */
  from: string;
}

/** The validated, typed settings of one running application. Injected by its class. */
export class AppConfig {
  readonly nodeEnv!: NodeEnv;
  readonly port!: number;
  /** How many processes serve the port: 1 runs the app in this process. */
  readonly workers!: number;
  readonly host!: string;
  readonly database!: DatabaseConfig;
  /** Where sessions and rate-limit counters go when set; otherwise the database. */
  readonly redisUrl?: string;
  /** The data folder: beside the SQLite file, or `data/` in the working directory. */
  readonly dataDir!: string;
  /** Secrets from SESSION_SECRET, newest first; unset means "generate or read the local one". */
  readonly sessionSecrets?: string[];
  readonly bcryptCost!: number;
  /**
   * The public address every link in a mail starts with, without a trailing slash (such as
   * `https://auth.example.com`). Never taken from a request's Host header.
   */
  readonly appUrl!: string;
  readonly mail!: MailConfig;
  /** Express's `trust proxy` value, or undefined when the app faces clients directly. */
  readonly trustProxy?: number | string;
  readonly limits!: RateLimitConfig;
  readonly sessionTimeouts!: SessionTimeoutConfig;
  readonly httpLimits!: HttpLimitsConfig;
  readonly log!: LogConfig;

  constructor(values: Omit<AppConfig, 'isProduction'>) {
    Object.assign(this, values);
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

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const name of ENVIRONMENT_VARIABLES) {
    // Each secret of a SESSION_SECRET list is checked as it will be used: trimmed.
    const value =
      name === 'SESSION_SECRET'
        ? env[name]
            ?.split(',')
            .map((secret) => secret.trim())
            .join(',')
        : env[name]?.trim();
    // An empty variable (`PORT=` in a .env file) means "use the default".
    if (value) {
      raw[name] = value;
    }
  }

  const parsed = plainToInstance(Environment, raw);
  const problems = validateSync(parsed).map((error) => {
    const message = Object.values(error.constraints ?? {})[0] ?? 'is not valid';
    return `${error.property} ${message}`;
  });
  if (parsed.HTTP_REQUEST_TIMEOUT_SECONDS < parsed.HTTP_HEADERS_TIMEOUT_SECONDS) {
    problems.push(
      'HTTP_REQUEST_TIMEOUT_SECONDS must be at least HTTP_HEADERS_TIMEOUT_SECONDS: the whole request includes its headers',
    );
  }
  if (parsed.NODE_ENV === 'production') {
    // Outside production these have working defaults; in production a default would send
    // links to localhost, or mails nobody receives.
    if (!raw.APP_URL) {
      problems.push(
        'APP_URL must be set in production: the public https:// address of the app, such as https://auth.example.com',
      );
    }
    if (!raw.MAIL_URL) {
      problems.push(
        'MAIL_URL must be set in production: the SMTP server, smtp://user:password@host:port (or smtps:// for TLS)',
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  const database = parseDatabaseUrl(parsed.DATABASE_URL);
  return new AppConfig({
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    workers: parsed.WORKERS ?? (parsed.NODE_ENV === 'production' ? availableParallelism() : 1),
    host: parsed.HOST,
    database,
    redisUrl: parsed.REDIS_URL,
    dataDir: database.type === 'sqlite' ? dirname(database.path) : resolve('data'),
    sessionSecrets: parsed.SESSION_SECRET?.split(',').map((secret) => secret.trim()),
    bcryptCost: parsed.BCRYPT_COST,
    appUrl: new URL(parsed.APP_URL ?? `http://localhost:${parsed.PORT}`).href.replace(/\/+$/, ''),
    mail: { url: parsed.MAIL_URL, from: parsed.MAIL_FROM },
    trustProxy: parseTrustProxy(parsed.TRUST_PROXY),
    limits: {
      loginAttemptsPerMinute: parsed.THROTTLE_LOGIN_PER_MINUTE,
      loginAttemptsPerNetworkPerMinute: parsed.THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE,
      registrationsPerHour: parsed.THROTTLE_REGISTER_PER_HOUR,
      resetRequestsPerAddressPerHour: parsed.THROTTLE_RESET_PER_ADDRESS_PER_HOUR,
      resetRequestsPerNetworkPerHour: parsed.THROTTLE_RESET_PER_NETWORK_PER_HOUR,
      lockoutThreshold: parsed.LOCKOUT_THRESHOLD,
      lockoutMs: parsed.LOCKOUT_MINUTES * MINUTE,
    },
    sessionTimeouts: {
      idleMs: parsed.SESSION_IDLE_MINUTES * MINUTE,
      absoluteMs: parsed.SESSION_ABSOLUTE_HOURS * HOUR,
      rememberMs: parsed.REMEMBER_DAYS * DAY,
    },
    httpLimits: {
      headersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_SECONDS * SECOND,
      requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_SECONDS * SECOND,
      keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * SECOND,
      maxConnections: parsed.HTTP_MAX_CONNECTIONS,
    },
    log: {
      // People read a terminal in development; anything else (a pipe, a file, production)
      // gets lines a machine can parse.
      format:
        parsed.LOG_FORMAT ??
        (parsed.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
      level: parsed.LOG_LEVEL,
    },
  });
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (!url.startsWith('sqlite:')) {
    return { type: 'postgres', url };
  }
  const path = url.slice('sqlite:'.length);
  return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
}

function parseTrustProxy(value: string | undefined): number | string | undefined {
  if (value === undefined) {
    return undefined;
  }
  return /^\d+$/.test(value) ? Number(value) : value;
}
