import type { AppConfig } from './config/app-config';

/** What a failed listen or database connection leaves to read: Node's and the drivers' fields. */
interface SystemError {
  code?: string;
  message?: string;
  syscall?: string;
}

/**
 * One line a person can act on for a start that failed for a known reason outside the code (a
 * port taken, a database that does not answer), naming the setting to change; undefined for
 * anything else, which deserves its stack trace.
 */
export function startupFailureLine(error: unknown, config: AppConfig): string | undefined {
  const { code, syscall } = (error ?? {}) as SystemError;
  if (syscall === 'listen') {
    return listenFailure(code, config);
  }
  if (config.database.type === 'postgres') {
    return postgresFailure(code, config.database.url);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_NOTADB') {
    return `DATABASE_URL: the SQLite database ${config.database.path} cannot be used (${code}). Set DATABASE_URL=sqlite:PATH to a database file this user can read and write`;
  }
  return undefined;
}

function listenFailure(code: string | undefined, { host, port }: AppConfig): string {
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `PORT: cannot listen on ${where}: another program uses that port. Stop it, or set PORT to a free port`;
    case 'EACCES':
      return `PORT: cannot listen on ${where}: this user may not use that port (below 1024 needs privileges). Set PORT to 1024 or more`;
    case 'EADDRNOTAVAIL':
      return `HOST: cannot listen on ${where}: this machine has no such address. Set HOST to one of its addresses, or to 0.0.0.0`;
    default:
      return `PORT: cannot listen on ${where} (${code ?? 'unknown error'}). Check PORT and HOST`;
  }
}

/** Connection errors of PostgreSQL's client, and the server's refusals (SQLSTATE). */
const POSTGRES_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'nothing answers at that address and port',
  ENOTFOUND: 'that host name is unknown',
  EAI_AGAIN: 'that host name could not be looked up',
  ETIMEDOUT: 'the server did not answer in time',
  EHOSTUNREACH: 'that host cannot be reached',
  '28P01': 'the server refused the user name or password',
  '28000': 'the server refused this user',
  '3D000': 'that database does not exist on the server',
};

function postgresFailure(code: string | undefined, url: string): string | undefined {
  const why = code === undefined ? undefined : POSTGRES_FAILURES[code];
  if (!why) {
    return undefined;
  }
  return `DATABASE_URL: cannot use the PostgreSQL database at ${withoutPassword(url)}: ${why}. Start the server, or fix DATABASE_URL`;
}

/** The URL as it may be shown: without its password. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.href;
  } catch {
    return 'the DATABASE_URL given';
  }
}
