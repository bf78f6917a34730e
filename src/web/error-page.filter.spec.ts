import { ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorPageFilter } from './error-page.filter';

/** A signed-in person's request whose page data cannot be prepared: its form token throws. */
const exchangeFactory = () => {
  const res = {
    headersSent: false,
    locals: {
      csrfToken: () => {
        throw new TypeError('csrfTokenFromCookie.split is not a function');
      },
    } as Record<string, unknown>,
    status: jest.fn().mockReturnThis(),
    type: jest.fn().mockReturnThis(),
    send: jest.fn(),
    render: jest.fn(),
    setHeader: jest.fn(),
    clearCookie: jest.fn(),
  };
  const req = {
    method: 'GET',
    path: '/no-such-page',
    user: { id: 1, username: 'alice' },
    signedCookies: {},
    secure: false,
    app: { get: () => false },
    get: () => undefined,
    res,
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { req: req as unknown as Request, res: res as unknown as Response & typeof res, host };
};

describe(ErrorPageFilter.name, () => {
  let logged: jest.SpyInstance;

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => logged.mockRestore());

  // Thrown out of the filter, the error would reach Express's own final handler, which writes
  // the stack trace to the client outside production.
  it('answers the plain 500 text when the error page cannot be prepared, and throws nothing', () => {
    const { res, host } = exchangeFactory();

    expect(() => new ErrorPageFilter().catch(new NotFoundException(), host)).not.toThrow();

    expect(res.render).not.toHaveBeenCalled();
    expect(res.status).toHaveBeenCalledWith(500);
    expect(res.type).toHaveBeenCalledWith('text/plain');
    expect(res.send).toHaveBeenCalledWith('Something went wrong. Please try again.');
    expect(logged).toHaveBeenCalledWith(
      'Could not prepare the errors/error page',
      expect.stringContaining('TypeError: csrfTokenFromCookie.split is not a function'),
    );
  });
});
