import type { NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';

/**
 * Synchronizer tokens kept in the session: every form carries one in `_csrf`, and every
 * request that is not GET, HEAD or OPTIONS must send it back.
 */
export const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
});

export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';

/** Refuses a request without the session's token, then drops `_csrf` so DTOs never see it. */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  csrf.csrfSynchronisedProtection(req, res, (error?: unknown) => {
    if (!error && req.body) {
      delete (req.body as Record<string, unknown>)._csrf;
    }
    next(error);
  });
}
