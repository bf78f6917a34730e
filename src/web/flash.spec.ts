import type { Request, Response } from 'express';
import { Flash, flash, takeFlashes } from './flash';

/** A browser's request and its answer, with the signed cookies cookie-parser would give. */
const exchangeFactory = (signedCookies: Record<string, unknown> = {}) => {
  const res = {
    locals: {} as Record<string, unknown>,
    cookie: jest.fn(),
    clearCookie: jest.fn(),
  };
  const req = { signedCookies, secure: false, app: { get: () => false }, res };
  return { req: req as unknown as Request, res: res as unknown as Response & typeof res };
};

const cookieOf = (res: { cookie: jest.Mock }) => {
  const [name, value, options] = res.cookie.mock.calls.at(-1) as [string, string, object];
  return { name, flashes: JSON.parse(value) as Flash[], options };
};

describe(flash.name, () => {
  it('keeps messages in a short-lived, signed, HttpOnly cookie, in order', () => {
    const { req, res } = exchangeFactory();

    flash(req, 'success', 'Account created. You can now log in.');
    flash(req, 'info', 'Please log in to access this page.');

    const cookie = cookieOf(res);
    expect(cookie.name).toBe('flash');
    expect(cookie.flashes).toEqual([
      { type: 'success', message: 'Account created. You can now log in.' },
      { type: 'info', message: 'Please log in to access this page.' },
    ]);
    expect(cookie.options).toMatchObject({ signed: true, httpOnly: true, maxAge: 60_000 });
  });

  it('is named __Host-flash and Secure over HTTPS', () => {
    const { req, res } = exchangeFactory();
    (req as { secure: boolean }).secure = true;

    flash(req, 'info', 'Hello');

    expect(cookieOf(res)).toMatchObject({ name: '__Host-flash', options: { secure: true } });
  });
});

describe(takeFlashes.name, () => {
  it('gives the waiting messages once and clears their cookie', () => {
    const waiting = [{ type: 'success', message: 'You have been logged out.' }];
    const { req, res } = exchangeFactory({ flash: JSON.stringify(waiting) });

    expect(takeFlashes(req, res)).toEqual(waiting);
    expect(res.clearCookie).toHaveBeenCalledWith('flash', expect.objectContaining({ path: '/' }));
  });

  it('gives nothing and sets no cookie when nothing is waiting', () => {
    const { req, res } = exchangeFactory();

    expect(takeFlashes(req, res)).toEqual([]);
    expect(res.clearCookie).not.toHaveBeenCalled();
    expect(res.cookie).not.toHaveBeenCalled();
  });

  it.each([
    ['a cookie whose signature failed', false],
    ['a cookie that is not JSON', 'not json'],
    ['a cookie with something else than messages', JSON.stringify([{ type: 'evil', message: 1 }])],
  ])('shows nothing for %s', (_name, value) => {
    const { req, res } = exchangeFactory({ flash: value });

    expect(takeFlashes(req, res)).toEqual([]);
  });

  it('gives a message left during the same request', () => {
    const { req, res } = exchangeFactory();
    flash(req, 'warning', 'Soon');

    expect(takeFlashes(req, res)).toEqual([{ type: 'warning', message: 'Soon' }]);
  });
});
