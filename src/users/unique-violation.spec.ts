import { QueryFailedError } from 'typeorm';
import { uniqueViolation } from './unique-violation';

/** A failed query as TypeORM reports it, carrying the driver's own error. */
function queryFailed(driverError: Record<string, unknown>): QueryFailedError {
  return new QueryFailedError(
    'INSERT INTO "users" ...',
    [],
    Object.assign(new Error(), driverError),
  );
}

const sqliteUnique = (column: string) =>
  queryFailed({
    code: 'SQLITE_CONSTRAINT',
    message: `SQLITE_CONSTRAINT: UNIQUE constraint failed: ${column}`,
  });

const postgresUnique = (constraint: string) =>
  queryFailed({
    code: '23505',
    constraint,
    message: `duplicate key value violates unique constraint "${constraint}"`,
  });

describe(uniqueViolation.name, () => {
  it.each([
    ['SQLite email', sqliteUnique('users.email'), 'email'],
    ['SQLite username', sqliteUnique('users.username_key'), 'username'],
    ['PostgreSQL email', postgresUnique('UQ_users_email'), 'email'],
    ['PostgreSQL username', postgresUnique('UQ_users_username_key'), 'username'],
  ])('names the field of a %s violation', (_name, error, field) => {
    expect(uniqueViolation(error)).toBe(field);
  });

  it.each([
    ['a plain Error', new Error('UNIQUE constraint failed: users.email')],
    ['a non-error value', 'users.email'],
    ['undefined', undefined],
    ['a unique rule of another table', sqliteUnique('sessions.id')],
    [
      'another failure that mentions a users index',
      queryFailed({ code: 'SQLITE_ERROR', message: 'no such index: UQ_users_email' }),
    ],
  ])('is undefined for %s', (_name, error) => {
    expect(uniqueViolation(error)).toBeUndefined();
  });
});
