import type { Request, Response } from 'express';
import { signedCookie, signedCookieValue } from './cookies';

export type FlashType = 'success' | 'info' | 'warning' | 'danger';

/** A message for the next page a person sees, shown as a Bootstrap alert. */
export interface Flash {
  type: FlashType;
  message: string;
}

const TYPES = new Set<unknown>(['success', 'info', 'warning', 'danger']);

/** Long enough for the redirect that follows; a message never waits for a later visit. */
const MAX_AGE_MS = 60 * 1000;

/**
 * Flash messages travel in a short-lived signed cookie (cookie-parser signs it with a key of
 * its own), so that a message for a signed-out visitor costs no server state. The cookie is
 * `__Host-flash` over HTTPS, `flash` otherwise.
 */
const cookie = (req: Request) => signedCookie(req, 'flash');

function waiting(req: Request, name: string): Flash[] {
  const value = signedCookieValue(req, name);
  if (typeof value !== 'string') {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed)
      ? parsed.filter(
          (item: Partial<Flash>): item is Flash =>
            TYPES.has(item?.type) && typeof item?.message === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

/** Leaves `message` for the next page this browser shows. */
export function flash(req: Request, type: FlashType, message: string): void {
  const res = req.res as Response;
  const { name, options } = cookie(req);
  const pending = (res.locals.flashes as Flash[] | undefined) ?? waiting(req, name);
  res.locals.flashes = [...pending, { type, message }];
  res.cookie(name, JSON.stringify(res.locals.flashes), { ...options, maxAge: MAX_AGE_MS });
}

/** The waiting messages, each shown once: the cookie is cleared as they are read. */
export function takeFlashes(req: Request, res: Response): Flash[] {
  const { name, options } = cookie(req);
  if (res.locals.flashes !== undefined) {
    // Left during this very request (a form refused after a redirect was planned, say).
    const flashes = res.locals.flashes as Flash[];
    res.locals.flashes = undefined;
    res.clearCookie(name, options);
    return flashes;
  }
  const flashes = waiting(req, name);
  if (signedCookieValue(req, name) !== undefined) {
    res.clearCookie(name, options);
  }
  return flashes;
}
