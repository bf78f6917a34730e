import type { Request, Response } from 'express';
import { signedCookie, signedCookieValue } from '../../web/cookies';
import { TOKEN_LIFETIME_MS } from '../core/tokens/tokens.service';

/**
 * The token of a reset link, between `GET /reset-password?token=T` and the form: the address
 * bar, the history and a Referer then never hold it. A signed, HttpOnly cookie that lasts no
 * longer than the token (`__Host-reset` over HTTPS, `reset` otherwise).
 */
const cookie = (req: Request) => signedCookie(req, 'reset');

export function keepResetToken(req: Request, token: string): void {
  const { name, options } = cookie(req);
  (req.res as Response).cookie(name, token, {
    ...options,
    maxAge: TOKEN_LIFETIME_MS.password_reset,
  });
}

export function keptResetToken(req: Request): unknown {
  return signedCookieValue(req, cookie(req).name);
}

export function forgetResetToken(req: Request): void {
  const { name, options } = cookie(req);
  (req.res as Response).clearCookie(name, options);
}
