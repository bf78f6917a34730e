import type { Request, Response } from 'express';
import { clearSessionCookie } from '../../sessions/session.middleware';

/** Starts a signed-in session under a new session id (Passport regenerates it). */
export function startSession(req: Request, user: Express.User): Promise<void> {
  return new Promise((resolve, reject) =>
    req.logIn(user, (error) => (error ? reject(error as Error) : resolve())),
  );
}

/**
 * Destroys the session on the server and clears its cookie: a signed-out browser has no
 * session at all, and the old cookie is worthless.
 */
export async function endSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.session.destroy((error) => (error ? reject(error as Error) : resolve())),
  );
  req.user = undefined;
  clearSessionCookie(req, req.res as Response);
}
