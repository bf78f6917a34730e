import { createHmac } from 'node:crypto';
import { doubleCsrf, DoubleCsrfUtilities } from 'csrf-csrf';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuditLog } from '../observability/audit-log';
import { secureCookies } from './cookies';
import { isJsonRequest } from './json-routes';

export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';
/** The header that carries the token of a JSON request. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Keys of their own for each use of SESSION_SECRET, so that one signature never passes for another. */
export function derivedSecrets(secrets: string[], purpose: string): string[] {
  return secrets.map((secret) => createHmac('sha256', secret).update(purpose).digest('hex'));
}

/**
 * Signed double-submit tokens (csrf-csrf): the token is an HMAC over a random value and the
 * signed-in session's id, kept in an HttpOnly cookie and repeated in every form's `_csrf`.
 * A signed-out visitor's token is bound to its cookie alone, so showing a form costs no server
 * state; signing in or out changes the session id, and with it every valid token.
 */
export class Csrf {
  private readonly secure: DoubleCsrfUtilities;
  private readonly plain: DoubleCsrfUtilities;

  constructor(secrets: string[]) {
    const csrfSecrets = derivedSecrets(secrets, 'csrf');
    const make = (cookieName: string, secure: boolean) =>
      doubleCsrf({
        getSecret: () => csrfSecrets,
        getSessionIdentifier: (req) => (req.isAuthenticated?.() ? req.sessionID : 'signed-out'),
        cookieName,
        cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', secure },
        // A form sends it as `_csrf`; a JSON route's request (a page's script) in a header.
        getCsrfTokenFromRequest: (req) => {
          if (isJsonRequest(req)) {
            return req.get(CSRF_HEADER);
          }
          const body = req.body as Record<string, unknown> | undefined;
          return typeof body?._csrf === 'string' ? body._csrf : undefined;
        },
        errorConfig: { code: CSRF_ERROR_CODE },
      });
    this.secure = make('__Host-csrf', true);
    this.plain = make('csrf', false);
  }

  /** The token for the forms of this page (its cookie goes with the answer). */
  token(req: Request, res: Response): string {
    return this.utilities(req).generateCsrfToken(req, res);
  }

  valid(req: Request): boolean {
    return this.utilities(req).validateRequest(req);
  }

  get error(): Error {
    return this.secure.invalidCsrfTokenError;
  }

  private utilities(req: Request): DoubleCsrfUtilities {
    return secureCookies(req) ? this.secure : this.plain;
  }
}

/** A request another site's page made the browser send (checked besides the token). */
function isCrossSite(req: Request): boolean {
  if (req.get('sec-fetch-site') === 'cross-site') {
    return true;
  }
  const origin = req.get('origin');
  // A page's script always says where it comes from; a JSON request that does not is refused.
  if (origin === undefined && isJsonRequest(req)) {
    return true;
  }
  return origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`;
}

/**
 * Refuses a state-changing request that comes from another site or lacks a valid token, then
 * drops `_csrf` from the body so that the DTOs never see it. Pages read the token through
 * `res.locals.csrfToken()`.
 */
export function csrfProtection(csrf: Csrf, audit: AuditLog): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = () => csrf.token(req, res);
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    if (isCrossSite(req)) {
      void audit.record('malicious_csrf', { userId: req.user?.id, reason: 'cross_site_origin' });
      next(csrf.error);
      return;
    }
    if (!csrf.valid(req)) {
      void audit.record('malicious_csrf', { userId: req.user?.id, reason: 'bad_token' });
      next(csrf.error);
      return;
    }
    if (req.body && typeof req.body === 'object') {
      delete (req.body as Record<string, unknown>)._csrf;
    }
    next();
  };
}
