import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sign, unsign } from 'cookie-signature';
import session, { Store } from 'express-session';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { secureCookies } from '../web/cookies';
import { rememberedUntilOf } from './session-device';

/**
 * express-session with the cookie docs/pages.md describes: only the signed id, HttpOnly,
 * SameSite=Lax, Path=/. Over HTTPS (always in production; in development when TRUST_PROXY says
 * the request came over HTTPS) it is also Secure and named `__Host-sid`, which browsers accept
 * only when Secure, for Path=/ and with no Domain. No maxAge: the browser forgets it when it
 * closes; the server ends the session after SESSION_IDLE_MINUTES (the store) or
 * SESSION_ABSOLUTE_HOURS (sessionLifetime). A remembered session's cookie is the exception: it
 * expires with the session (see rememberSession).
 */
export function sessionMiddleware(store: Store, secrets: string[]): RequestHandler {
  const middleware = (name: string, secure: boolean) =>
    session({
      // express-session writes its cookie settings onto the store it is given, so each
      // middleware gets its own object that inherits everything else from the one store.
      store: Object.create(store) as Store,
      secret: secrets,
      name,
      resave: false,
      saveUninitialized: false,
      unset: 'destroy',
      cookie: cookieOptions(secure),
    });
  const secure = middleware(SECURE_COOKIE, true);
  const plain = middleware(PLAIN_COOKIE, false);
  return (req, res, next) =>
    (secureCookies(req) ? secure : plain)(req, res, (error?: unknown) => {
      if (!error) {
        resignWithNewestSecret(req, res, secrets);
      }
      next(error);
    });
}

/**
 * A cookie signed with an older secret of a SESSION_SECRET list is signed again with the first
 * one, so that dropping the old secret later signs nobody out. express-session accepts it but
 * would only ever send it back as it came.
 */
function resignWithNewestSecret(req: Request, res: Response, secrets: string[]): void {
  if (secrets.length < 2 || !req.session) {
    return;
  }
  const name = secureCookies(req) ? SECURE_COOKIE : PLAIN_COOKIE;
  const value = signedValue(req.headers.cookie, name);
  if (value === undefined || unsign(value, secrets[0]) !== false) {
    return;
  }
  if (secrets.slice(1).some((secret) => unsign(value, secret) === req.sessionID)) {
    res.cookie(name, `s:${sign(req.sessionID, secrets[0])}`, {
      ...cookieOptions(secureCookies(req)),
      // A remembered session's cookie stays one that outlives the browser.
      expires: req.session.cookie.expires ?? undefined,
    });
  }
}

/** The signed value of cookie `name` as the browser sent it (cookie-parser sets it aside). */
function signedValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        const value = decodeURIComponent(rest.join('='));
        return value.startsWith('s:') ? value.slice(2) : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const cookieOptions = (secure: boolean) =>
  ({ httpOnly: true, sameSite: 'lax', path: '/', secure }) as const;

const SECURE_COOKIE = '__Host-sid';
const PLAIN_COOKIE = 'sid';

/** Clears this browser's session cookie, once its session has been destroyed. */
export function clearSessionCookie(req: Request, res: Response): void {
  const secure = secureCookies(req);
  res.clearCookie(secure ? SECURE_COOKIE : PLAIN_COOKIE, cookieOptions(secure));
}

/**
 * Makes the session of this sign-in a remembered one ("Remember me"): it ends at `until` (ms
 * since the epoch) whatever its activity, and its cookie expires then too, so that it survives
 * the browser's restarts. Neither SESSION_IDLE_MINUTES nor SESSION_ABSOLUTE_HOURS applies to it:
 * a person who asked to be remembered expects to find the site signed in after a night or a
 * week away.
 */
export function rememberSession(req: Request, until: number): void {
  req.session.rememberedUntil = until;
  req.session.cookie.expires = new Date(until);
}

/**
 * Ends a signed-in session SESSION_ABSOLUTE_HOURS after sign-in, however active it has been; a
 * remembered one at its end (never later than REMEMBER_DAYS after sign-in, should the setting
 * have been lowered since).
 */
export function sessionLifetime(config: AppConfig, audit: AuditLog): RequestHandler {
  const { absoluteMs, rememberMs } = config.sessionTimeouts;
  return (req, _res, next) => {
    // No session: a request express-session skipped (see requirePathTarget) has nothing to end.
    if (req.session?.signedInAt === undefined) {
      next();
      return;
    }
    const { signedInAt, passport } = req.session;
    const rememberedUntil = rememberedUntilOf(req.session);
    const end =
      rememberedUntil === null
        ? signedInAt + absoluteMs
        : Math.min(rememberedUntil, signedInAt + rememberMs);
    if (Date.now() <= end) {
      if (rememberedUntil !== null) {
        // express-session would otherwise move the cookie's expiry to a full lifetime from now
        // whenever it sends the cookie again: it stays the session's own end.
        req.session.cookie.expires = new Date(end);
      }
      next();
      return;
    }
    req.session.regenerate((error) => {
      if (!error && typeof passport?.user === 'number') {
        void audit.record('session_expired', {
          userId: passport.user,
          reason: rememberedUntil === null ? 'absolute' : 'remember_days',
        });
      }
      next(error);
    });
  };
}

/**
 * Saves a changed session before a redirect is sent, not after. express-session saves it when
 * the answer ends, but sends the answer's head (the 303, and the cookie of a new session) first:
 * a browser follows a redirect as soon as it has the head, and its next request could reach the
 * store before the write and find no session, or the one before the change. Which it would
 * depends on the store (a connection pool, or another worker, can read before a write ends).
 * A session counts as changed as express-session judges it: a new id (sign-in regenerates it),
 * or content other than what was loaded. Unchanged, the redirect goes at once and nothing is
 * written. (After a sign-in, express-session still writes the session once more as the answer
 * ends: it cannot tell that a session under a new id was saved already.)
 */
export function saveBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const loadedId = req.sessionID;
  const loaded = sessionContent(req.session);
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = (...args: unknown[]) => {
    const current = req.session;
    if (!current || (req.sessionID === loadedId && sessionContent(current) === loaded)) {
      redirect(...args);
      return;
    }
    current.save((error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      redirect(...args);
    });
  };
  next();
}

/** What express-session compares to tell a changed session: everything but its cookie. */
function sessionContent(session: Request['session'] | undefined): string | undefined {
  if (session === undefined) {
    return undefined;
  }
  // Its own fields only (the id and the request are not enumerable), the cookie left out.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out to be left out
  const { cookie, ...content } = session;
  return JSON.stringify(content);
}

/**
 * Runs `handlers` (the session, then what reads it) only for a request that has a session or
 * may start one: one that sends a session cookie, and every POST (signing in starts the
 * session). A signed-out visitor's GET or HEAD skips them: express-session would make an id, a
 * cookie and a hash for a session it then never saves. Such a request has no `req.session`, and
 * nothing that serves it reads one. A cookie that merely looks like the session's (`sid=` in
 * `__Host-sid=`) only costs the lookup it would have had anyway.
 */
export function onlyWithSession(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' && !sendsSessionCookie(req)) {
      next();
      return;
    }
    let index = 0;
    const step = (error?: unknown) => {
      if (error || index === handlers.length) {
        next(error);
        return;
      }
      handlers[index++](req, res, step);
    };
    step();
  };
}

function sendsSessionCookie(req: Request): boolean {
  const name = secureCookies(req) ? SECURE_COOKIE : PLAIN_COOKIE;
  return req.headers.cookie?.includes(`${name}=`) ?? false;
}
