import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Cookie } from 'express-session';
import { loadConfig } from '../config/app-config';
import type { AuditLog } from '../observability/audit-log';
import {
  onlyWithSession,
  rememberSession,
  saveBeforeRedirect,
  sessionLifetime,
} from './session.middleware';

/** A request as the session middleware sees it: over HTTPS unless told, with these cookies. */
const requestFactory = (method: string, cookie?: string, secure = true): Request =>
  ({
    method,
    secure,
    headers: cookie === undefined ? {} : { cookie },
    app: { get: () => false },
  }) as unknown as Request;

describe(onlyWithSession.name, () => {
  let calls: string[];
  const handler =
    (name: string, error?: Error): RequestHandler =>
    (_req, _res, next) => {
      calls.push(name);
      next(error);
    };
  const run = (sut: RequestHandler, req: Request) =>
    new Promise<unknown>((resolve) =>
      sut(req, {} as Response, ((error?: unknown) => resolve(error)) as NextFunction),
    );

  beforeEach(() => {
    calls = [];
  });

  it.each([
    ['GET', undefined],
    ['HEAD', 'csrf=a; flash=b'],
    ['GET', 'sid=plain-cookie-over-https'],
  ])('skips the session for a %s with cookies %p', async (method, cookie) => {
    const sut = onlyWithSession(handler('session'), handler('passport'));

    await expect(run(sut, requestFactory(method, cookie))).resolves.toBeUndefined();

    expect(calls).toEqual([]);
  });

  it.each([
    ['GET', '__Host-csrf=a; __Host-sid=s%3Aid.sig', true],
    ['GET', 'sid=s%3Aid.sig', false],
    ['POST', undefined, true],
  ])('runs every handler in order for a %s with cookies %p', async (method, cookie, secure) => {
    const sut = onlyWithSession(handler('session'), handler('passport'));

    await expect(run(sut, requestFactory(method, cookie, secure))).resolves.toBeUndefined();

    expect(calls).toEqual(['session', 'passport']);
  });

  it('stops at the first handler that fails, and passes its error on', async () => {
    const failure = new Error('store down');
    const sut = onlyWithSession(handler('session', failure), handler('passport'));

    await expect(run(sut, requestFactory('POST'))).resolves.toBe(failure);

    expect(calls).toEqual(['session']);
  });
});

describe(sessionLifetime.name, () => {
  const HOUR = 60 * 60 * 1000;
  const DAY = 24 * HOUR;
  const config = loadConfig({ SESSION_ABSOLUTE_HOURS: '2', REMEMBER_DAYS: '30' });
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  let sut: RequestHandler;

  /**
   * A signed-in request as express-session hands it on: its session signed in `ago` ms ago,
   * remembered then with "Remember me" when `remembered`, its cookie as the store gave it back.
   */
  const requestSignedIn = (ago: number, remembered: boolean) => {
    const signedInAt = Date.now() - ago;
    const req = {
      session: {
        signedInAt,
        passport: { user: 7 },
        cookie: new Cookie(),
        regenerate: jest.fn((done: (error?: unknown) => void) => done()),
      },
    } as unknown as Request;
    if (remembered) {
      rememberSession(req, signedInAt + 30 * DAY);
      // As stored at sign-in: express-session reads the cookie's lifetime back from there.
      req.session.cookie.originalMaxAge = 30 * DAY;
    }
    return req;
  };
  const run = (req: Request) =>
    new Promise<unknown>((resolve) =>
      sut(req, {} as Response, ((error?: unknown) => resolve(error)) as NextFunction),
    );

  beforeEach(() => {
    audit = { record: jest.fn() };
    sut = sessionLifetime(config, audit as unknown as AuditLog);
  });

  it.each([
    ['a browser session past SESSION_ABSOLUTE_HOURS', 2 * HOUR + 1000, false, 'absolute'],
    ['a remembered session past its end', 30 * DAY + 1000, true, 'remember_days'],
  ])('ends %s', async (_name, ago, remembered, reason) => {
    const req = requestSignedIn(ago, remembered);

    await run(req);

    expect(req.session.regenerate).toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith('session_expired', { userId: 7, reason });
  });

  it('keeps a remembered session past SESSION_ABSOLUTE_HOURS', async () => {
    const req = requestSignedIn(3 * DAY, true);

    await run(req);

    expect(req.session.regenerate).not.toHaveBeenCalled();
  });

  it("keeps a remembered cookie's expiry at the session's end when express-session sends it again", async () => {
    const req = requestSignedIn(3 * DAY, true);

    await run(req);
    // What express-session does before it writes the cookie (Session#touch).
    const { cookie } = req.session;
    cookie.maxAge = cookie.originalMaxAge as number;

    const end = (req.session.signedInAt as number) + 30 * DAY;
    expect(Math.abs((req.session.cookie.expires as Date).getTime() - end)).toBeLessThan(1000);
  });
});

describe(saveBeforeRedirect.name, () => {
  /** A request with a loaded session whose save answers `saveError`, and its response. */
  function setUp(saveError?: Error) {
    const events: string[] = [];
    const session = {
      passport: { user: 1 },
      cookie: new Cookie(),
      save: (callback: (error?: unknown) => void) => {
        events.push('save');
        setImmediate(() => callback(saveError));
      },
    };
    const req = { sessionID: 'a', session } as unknown as Request;
    const res = {
      redirect: () => events.push('redirect'),
    } as unknown as Response;
    const next = jest.fn();
    saveBeforeRedirect(req, res, next);
    return { events, req, res, next };
  }
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('redirects at once when the session is as it was loaded (its cookie aside)', () => {
    const { events, req, res } = setUp();
    req.session.cookie.expires = new Date(Date.now() + 1000);

    res.redirect(303, '/');

    expect(events).toEqual(['redirect']);
  });

  it('saves a changed session first, then redirects', async () => {
    const { events, req, res } = setUp();
    req.session.signedInAt = Date.now();

    res.redirect(303, '/');
    await settled();

    expect(events).toEqual(['save', 'redirect']);
  });

  it('saves a session under a new id (a sign-in) first', async () => {
    const { events, req, res } = setUp();
    req.sessionID = 'b';

    res.redirect(303, '/');
    await settled();

    expect(events).toEqual(['save', 'redirect']);
  });

  it('passes a failed save on as an error, and sends no redirect', async () => {
    const failure = new Error('store down');
    const { events, req, res, next } = setUp(failure);
    req.session.signedInAt = Date.now();

    res.redirect(303, '/');
    await settled();

    expect(events).toEqual(['save']);
    expect(next).toHaveBeenLastCalledWith(failure);
  });

  it('redirects at once when the session was destroyed', () => {
    const { events, req, res } = setUp();
    (req as { session?: unknown }).session = undefined;

    res.redirect(303, '/');

    expect(events).toEqual(['redirect']);
  });
});
