import type { NestExpressApplication } from '@nestjs/platform-express';
import type { CookieOptions, NextFunction, Request, Response } from 'express';

const SETTING = 'secure cookies';

/** In production every cookie is `Secure` (and `__Host-` named), whatever the request says. */
export function alwaysSecureCookies(app: NestExpressApplication, always: boolean): void {
  app.set(SETTING, always);
}

/** Whether this answer's cookies must be `Secure`: in production, or over HTTPS. */
export function secureCookies(req: Request): boolean {
  return req.secure || req.app.get(SETTING) === true;
}

/**
 * cookie-parser reads a cookie whose value starts with `j:` as JSON (an object, a number...),
 * but whatever reads `req.cookies` here (csrf-csrf, express-session, the flash messages) expects
 * text, and the app never sets such a cookie: one is dropped, as if it had not been sent. A
 * signed cookie with a bad signature (`false` in `req.signedCookies`) is left as it is.
 */
export function textCookiesOnly(req: Request, _res: Response, next: NextFunction): void {
  for (const jar of [req.cookies, req.signedCookies] as (Record<string, unknown> | undefined)[]) {
    for (const [name, value] of Object.entries(jar ?? {})) {
      if (typeof value !== 'string' && value !== false) {
        delete jar?.[name];
      }
    }
  }
  next();
}

/**
 * The name and options of a short-lived cookie of the app's own, signed by cookie-parser:
 * HttpOnly, SameSite=Lax, Path=/, and over HTTPS `Secure` with the `__Host-` prefix, which no
 * other host can set.
 */
export function signedCookie(req: Request, name: string): { name: string; options: CookieOptions } {
  const secure = secureCookies(req);
  return {
    name: secure ? `__Host-${name}` : name,
    options: { httpOnly: true, sameSite: 'lax', path: '/', secure, signed: true },
  };
}

/** The value of the signed cookie `name` (see `signedCookie`), or undefined. */
export function signedCookieValue(req: Request, name: string): unknown {
  return (req.signedCookies as Record<string, unknown> | undefined)?.[name];
}
