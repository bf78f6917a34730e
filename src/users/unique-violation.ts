import { QueryFailedError } from 'typeorm';

/** What a driver says of a failed statement. */
interface DriverError {
  code?: string;
  constraint?: string;
  message?: string;
}

const textOf = (error: { driverError: unknown }): string => {
  const driverError = error.driverError as DriverError;
  return `${driverError.constraint ?? ''} ${driverError.message ?? ''}`;
};

/**
 * Whether a statement failed on a unique index, any table's. SQLite: "SQLITE_CONSTRAINT: UNIQUE
 * constraint failed: users.email"; PostgreSQL: code 23505, with the index name in `constraint`.
 */
export function isUniqueViolation(error: unknown): error is QueryFailedError {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const { code } = error.driverError as DriverError;
  return (
    code === '23505' ||
    (code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(textOf(error)))
  );
}

/** Which unique rule of the users table an insert broke, if that is why it failed. */
export function uniqueViolation(error: unknown): 'username' | 'email' | undefined {
  if (!isUniqueViolation(error)) {
    return undefined;
  }
  const text = textOf(error);
  if (/users\.email|UQ_users_email/.test(text)) {
    return 'email';
  }
  if (/users\.username_key|UQ_users_username_key/.test(text)) {
    return 'username';
  }
  return undefined;
}
