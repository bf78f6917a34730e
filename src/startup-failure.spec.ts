import { loadConfig } from './config/app-config';
import { startupFailureLine } from './startup-failure';

const sqlite = loadConfig({ DATABASE_URL: 'sqlite:/srv/app/app.db', PORT: '80', HOST: '10.0.0.5' });
const postgres = loadConfig({ DATABASE_URL: 'postgres://app:hunter2@db.internal:5432/auth' });
const failure = (fields: Record<string, string>) => Object.assign(new Error('failed'), fields);

describe(startupFailureLine.name, () => {
  it.each([
    ['EADDRINUSE', 'PORT: cannot listen on 10.0.0.5:80: another program uses that port'],
    ['EACCES', 'PORT: cannot listen on 10.0.0.5:80: this user may not use that port'],
    ['EADDRNOTAVAIL', 'HOST: cannot listen on 10.0.0.5:80: this machine has no such address'],
    ['EWHATEVER', 'PORT: cannot listen on 10.0.0.5:80 (EWHATEVER). Check PORT and HOST'],
  ])('names the setting for a listen that failed with %s', (code, line) => {
    expect(startupFailureLine(failure({ code, syscall: 'listen' }), sqlite)).toContain(line);
  });

  it.each([
    ['ECONNREFUSED', 'nothing answers at that address and port'],
    ['ENOTFOUND', 'that host name is unknown'],
    ['28P01', 'the server refused the user name or password'],
    ['3D000', 'that database does not exist on the server'],
  ])('says why PostgreSQL could not be used (%s), without the password', (code, why) => {
    const line = startupFailureLine(failure({ code }), postgres);

    expect(line).toBe(
      `DATABASE_URL: cannot use the PostgreSQL database at postgres://app:***@db.internal:5432/auth: ${why}. Start the server, or fix DATABASE_URL`,
    );
  });

  it('says a SQLite file cannot be opened', () => {
    expect(startupFailureLine(failure({ code: 'SQLITE_CANTOPEN' }), sqlite)).toBe(
      'DATABASE_URL: the SQLite database /srv/app/app.db cannot be used (SQLITE_CANTOPEN). Set DATABASE_URL=sqlite:PATH to a database file this user can read and write',
    );
  });

  it.each([
    ['a bug', new TypeError('x is not a function'), sqlite],
    ['an unknown database error', failure({ code: '42P01' }), postgres],
    ['nothing at all', undefined, sqlite],
  ])('leaves %s to its stack trace', (_name, error, config) => {
    expect(startupFailureLine(error, config)).toBeUndefined();
  });
});
