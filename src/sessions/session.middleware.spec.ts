import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { onlyWithSession } from './session.middleware';

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
