import type { Request } from 'express';
import { flash, takeFlashes } from './flash';

/** A request with the session that express-session would give it. */
const requestFactory = (session: Record<string, unknown> = {}): Request =>
  ({ session }) as unknown as Request;

describe(flash.name, () => {
  it('keeps messages in the session, in order', () => {
    const req = requestFactory();

    flash(req, 'success', 'Account created. You can now log in.');
    flash(req, 'info', 'Please log in to access this page.');

    expect(req.session.flash).toEqual([
      { type: 'success', message: 'Account created. You can now log in.' },
      { type: 'info', message: 'Please log in to access this page.' },
    ]);
  });
});

describe(takeFlashes.name, () => {
  it('gives each message once', () => {
    const req = requestFactory();
    flash(req, 'success', 'You have been logged out.');

    expect(takeFlashes(req)).toEqual([{ type: 'success', message: 'You have been logged out.' }]);
    expect(takeFlashes(req)).toEqual([]);
    expect(req.session).not.toHaveProperty('flash');
  });

  it('gives nothing when nothing is waiting, and leaves the session untouched', () => {
    const req = requestFactory({ csrfToken: 't' });

    expect(takeFlashes(req)).toEqual([]);
    expect(req.session).toEqual({ csrfToken: 't' });
  });

  it('gives nothing to a request without a session', () => {
    expect(takeFlashes({} as Request)).toEqual([]);
  });
});
