import { randomBytes } from 'node:crypto';

/*
 * What the SessionOwnersAndDevices migrations (one per engine) need to fill the new columns of
 * the sessions written before them. Kept here, apart from the app's code, so that the migrations
 * keep doing what they did when the app changes.
 */

/** Rows read, and written, per statement. */
export const BATCH_SIZE = 100;

/**
 * The signed-in user of a session's JSON (Passport's `passport.user`, a safe integer as the
 * SessionSerializer requires), or null: an anonymous session, or one that cannot be read.
 */
export function ownerOf(data: string): number | null {
  let session: unknown;
  try {
    session = JSON.parse(data);
  } catch {
    return null;
  }
  const user = (session as { passport?: { user?: unknown } } | null)?.passport?.user;
  return typeof user === 'number' && Number.isSafeInteger(user) ? user : null;
}

/** A new public handle: 128 random bits, base64url, as the app makes them at sign-in. */
export function newHandle(): string {
  return randomBytes(16).toString('base64url');
}
