import { QueryFailedError } from 'typeorm';

/** Which unique rule of the users table an insert broke, if that is why it failed. */
export function uniqueViolation(error: unknown): 'username' | 'email' | undefined {
  if (!(error instanceof QueryFailedError)) {
    return undefined;
  }
  // SQLite: "SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email".
  // PostgreSQL: code 23505, with the index name in `constraint`.
  const driverError = error.driverError as { code?: string; constraint?: string; message?: string };
  const text = `${driverError.constraint ?? ''} ${driverError.message ?? ''}`;
  const unique =
    driverError.code === '23505' ||
    (driverError.code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(text));
  if (!unique) {
    return undefined;
  }
  if (/users\.email|UQ_users_email/.test(text)) {
    return 'email';
  }
  if (/users\.username_key|UQ_users_username_key/.test(text)) {
    return 'username';
  }
  return undefined;
}
