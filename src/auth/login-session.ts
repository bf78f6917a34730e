import type { Request } from 'express';

/** Starts a signed-in session under a new session id (Passport regenerates it). */
export function startSession(req: Request, user: Express.User): Promise<void> {
  return new Promise((resolve, reject) =>
    req.logIn(user, (error) => (error ? reject(error as Error) : resolve())),
  );
}

/** Destroys the session on the server; the request goes on with a new, empty one. */
export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.logOut((error) => (error ? reject(error as Error) : resolve())),
  );
}
