import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { csrfSync } from 'csrf-sync';
import { AuditLog } from '../logging/audit-log';

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request another site's page made the browser send (checked besides the token). */
function isCrossSite(req: Request): boolean {
  if (req.get('sec-fetch-site') === 'cross-site') {
    return true;
  }
  const origin = req.get('origin');
  return origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`;
}

/**
 * Refuses a state-changing request that comes from another site or lacks the session's token,
 * then drops `_csrf` from the body so that the DTOs never see it.
 */
export function csrfProtection(audit: AuditLog): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!SAFE_METHODS.has(req.method) && isCrossSite(req)) {
      audit.record('malicious_csrf', { userId: req.user?.id, reason: 'cross_site_origin' });
      next(csrf.invalidCsrfTokenError);
      return;
    }
    csrf.csrfSynchronisedProtection(req, res, (error?: unknown) => {
      if (error) {
        audit.record('malicious_csrf', { userId: req.user?.id, reason: 'bad_token' });
      } else if (req.body) {
        delete (req.body as Record<string, unknown>)._csrf;
      }
      next(error);
    });
  };
}
