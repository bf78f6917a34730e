import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy } from 'class-validator';
import { isIP } from 'node:net';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type NodeEnv = (typeof NODE_ENVS)[number];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Express's `trust proxy` values that are safe to accept: a number of hops, or a list of proxy
 * addresses, subnets or Express's names. `true` is refused: it would trust any client's
 * X-Forwarded-For.
 */
export function isTrustProxy(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  if (/^\d{1,2}$/.test(value)) {
    return true;
  }
  return value.split(',').every((entry) => {
    const [address, prefix, ...rest] = entry.trim().split('/');
    if (rest.length > 0) {
      return false;
    }
    if (prefix === undefined && PROXY_NAMES.has(address)) {
      return true;
    }
    const version = isIP(address);
    const maxPrefix = version === 4 ? 32 : 128;
    return (
      version !== 0 &&
      (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix))
    );
  });
}

/**
 * The public address of the app, from which every link in a mail is built: http(s), no
 * credentials, query string or fragment (a path is allowed, for an app served under one).
 */
export function isAppUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    !/[?#]/.test(value as string)
  );
}

/** An SMTP server: smtp://[user:password@]host[:port] or smtps:// (TLS from the start). */
export function isMailUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    (url.protocol === 'smtp:' || url.protocol === 'smtps:') &&
    url.hostname !== '' &&
    (url.pathname === '' || url.pathname === '/') &&
    url.hash === ''
  );
}

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' || /[\s\p{Cc}]/u.test(value)) {
    return undefined;
  }
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A whole number from `min` to `max`, read from its string form. */
function WholeNumber(min: number, max: number): PropertyDecorator {
  const options = { message: `must be a whole number from ${min} to ${max}` };
  return (target, property) => {
    Type(() => Number)(target, property);
    IsInt(options)(target, property);
    Min(min, options)(target, property);
    Max(max, options)(target, property);
  };
}

/**
 * The process environment as the application accepts it, with the defaults. Each message
 * completes the sentence "<VARIABLE> ..." and never repeats the value, which may be a secret.
 */
export class Environment {
  @IsIn(NODE_ENVS, { message: 'must be development, production or test' })
  NODE_ENV: NodeEnv = 'development';

  @WholeNumber(1, 65535)
  PORT = 3000;

  /** Processes serving the port (node:cluster); unset means 1, or one per core in production. */
  @IsOptional()
  @WholeNumber(1, 64)
  WORKERS?: number;

  @Matches(/^[0-9A-Za-z.:-]+$/, { message: 'must be a host name or an IP address' })
  HOST = '0.0.0.0';

  // A database in memory would lose every account and session at each restart.
  @Matches(/^(sqlite:(?!:memory:$).+|postgres(ql)?:\/\/.+)$/, {
    message:
      'must be sqlite:PATH (such as sqlite:data/app.db) or postgres://user:password@host:port/database',
  })
  DATABASE_URL = 'sqlite:data/app.db';

  @IsOptional()
  @Matches(/^rediss?:\/\/.+$/, { message: 'must be redis://host:port (or rediss:// for TLS)' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[^,]{32,}(,[^,]{32,})*$/, {
    message: 'must be at least 32 characters long (each, when a list is given)',
  })
  SESSION_SECRET?: string;

  @WholeNumber(4, 31)
  BCRYPT_COST = 12;

  /** Unset means http://localhost:PORT; required in production. */
  @IsOptional()
  @ValidateBy(
    { name: 'isAppUrl', validator: { validate: isAppUrl } },
    {
      message:
        'must be the http:// or https:// address of the app, without query string or fragment (such as https://auth.example.com)',
    },
  )
  APP_URL?: string;

  /** Unset means mails are written to files in the data folder; required in production. */
  @IsOptional()
  @ValidateBy(
    { name: 'isMailUrl', validator: { validate: isMailUrl } },
    { message: 'must be smtp://user:password@host:port (or smtps:// for TLS)' },
  )
  MAIL_URL?: string;

  // One address, with an optional display name; no control characters (no header injection).
  @Matches(/^([^\p{Cc}<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/u, {
    message: 'must be an email address, optionally with a name: Name <address@example.com>',
  })
  MAIL_FROM = 'Nest Auth <no-reply@localhost>';

  @IsOptional()
  @ValidateBy(
    { name: 'isTrustProxy', validator: { validate: isTrustProxy } },
    {
      message:
        'must be a number of proxy hops (such as 1) or a comma-separated list of proxy addresses or subnets',
    },
  )
  TRUST_PROXY?: string;

  /** Failed sign-ins allowed per email and client IP in a minute. */
  @WholeNumber(1, 1000)
  THROTTLE_LOGIN_PER_MINUTE = 5;

  /**
   * Sign-in attempts allowed per client network (an IPv4 address, an IPv6 /64) in a minute,
   * whatever the email: bounds what one client can make the server count and store.
   */
  @WholeNumber(1, 100000)
  THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE = 60;

  /** Registrations allowed per client network (an IPv4 address, an IPv6 /64) in an hour. */
  @WholeNumber(1, 100000)
  THROTTLE_REGISTER_PER_HOUR = 20;

  /**
   * Password-reset requests allowed for one address in an hour, whether or not it has an
   * account (the answer must not tell).
   */
  @WholeNumber(1, 1000)
  THROTTLE_RESET_PER_ADDRESS_PER_HOUR = 5;

  /** Password-reset requests allowed per client network (an IPv4 address, an IPv6 /64) an hour. */
  @WholeNumber(1, 100000)
  THROTTLE_RESET_PER_NETWORK_PER_HOUR = 20;

  /** Consecutive failed sign-ins, from any IP, that lock an account. */
  @WholeNumber(1, 1000)
  LOCKOUT_THRESHOLD = 20;

  @WholeNumber(1, 1440)
  LOCKOUT_MINUTES = 15;

  @WholeNumber(1, 1440)
  SESSION_IDLE_MINUTES = 60;

  @WholeNumber(1, 720)
  SESSION_ABSOLUTE_HOURS = 24;

  /**
   * How long a "Remember me" sign-in lasts, from the sign-in. At most 400 days: browsers cap a
   * cookie's lifetime there.
   */
  @WholeNumber(1, 400)
  REMEMBER_DAYS = 30;

  /** A client must send a request's headers within this time, or gets 408 and is closed. */
  @WholeNumber(1, 300)
  HTTP_HEADERS_TIMEOUT_SECONDS = 10;

  /** ... and the whole request, body included (the forms are small), within this time. */
  @WholeNumber(1, 600)
  HTTP_REQUEST_TIMEOUT_SECONDS = 20;

  /** An idle kept-alive connection is closed after this time. */
  @WholeNumber(1, 600)
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS = 5;

  /** Connections open at once; more are dropped (and logged) until some close. */
  @WholeNumber(1, 100000)
  HTTP_MAX_CONNECTIONS = 500;

  /** Unset: pretty in development on a terminal, else JSON. */
  @IsOptional()
  @IsIn(LOG_FORMATS, { message: 'must be pretty or json' })
  LOG_FORMAT?: LogFormat;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}

export const ENVIRONMENT_VARIABLES: (keyof Environment)[] = [
  'NODE_ENV',
  'PORT',
  'WORKERS',
  'HOST',
  'DATABASE_URL',
  'REDIS_URL',
  'SESSION_SECRET',
  'BCRYPT_COST',
  'APP_URL',
  'MAIL_URL',
  'MAIL_FROM',
  'TRUST_PROXY',
  'THROTTLE_LOGIN_PER_MINUTE',
  'THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE',
  'THROTTLE_REGISTER_PER_HOUR',
  'THROTTLE_RESET_PER_ADDRESS_PER_HOUR',
  'THROTTLE_RESET_PER_NETWORK_PER_HOUR',
  'LOCKOUT_THRESHOLD',
  'LOCKOUT_MINUTES',
  'SESSION_IDLE_MINUTES',
  'SESSION_ABSOLUTE_HOURS',
  'REMEMBER_DAYS',
  'HTTP_HEADERS_TIMEOUT_SECONDS',
  'HTTP_REQUEST_TIMEOUT_SECONDS',
  'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS',
  'HTTP_MAX_CONNECTIONS',
  'LOG_FORMAT',
  'LOG_LEVEL',
];
