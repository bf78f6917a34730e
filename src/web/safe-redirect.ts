import type { Request } from 'express';

/**
 * The path to go to after signing in: `next` when it is a path on this site, else `/`.
 * Refused: anything not starting with exactly one `/` (`//host`, `/\host`, `https:`,
 * `javascript:`), backslashes (browsers read them as `/`) and control characters.
 */
export function safeRedirectPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2048) {
    return '/';
  }
  const local = /^\/(?![/\\])[^\\\p{Cc}]*$/u;
  return local.test(next) ? next : '/';
}

/**
 * The page a form was sent from: the browser names it in `Referer` (the site's Referrer-Policy
 * is same-origin), else the home page. Only a path on this site is ever given.
 */
export function refererPath(req: Request): string {
  const referer = req.get('referer');
  if (!referer) {
    return '/';
  }
  try {
    const url = new URL(referer);
    return url.host === req.get('host') ? safeRedirectPath(url.pathname + url.search) : '/';
  } catch {
    return '/';
  }
}
