import type { Request } from 'express';
import type { Logger } from 'pino';
import { AuditLog } from './audit-log';
import { createLogger } from './logger';
import { requestContext } from './request-context';

/** The parts of a request the audit log reads: the client IP and the request id. */
const requestFactory = (overrides: Partial<Request> = {}): Request =>
  ({ ip: '203.0.113.7', id: 'c0ffee00-0000-4000-8000-000000000001', ...overrides }) as Request;

describe(AuditLog.name, () => {
  let output: string;
  let logger: Logger;
  let sut: AuditLog;

  /** Every line written so far, parsed. */
  const entries = () =>
    output
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    output = '';
    logger = createLogger({
      write(line: string) {
        output += line;
      },
    });
    sut = new AuditLog(logger);
  });

  it('writes one JSON line with the event, its details, the client IP and the request id', async () => {
    await requestContext.run(requestFactory(), () =>
      sut.record('authn_login_fail', { email: 'alice@example.com', userId: 1 }),
    );

    expect(entries()).toEqual([
      expect.objectContaining({
        level: 'info',
        event: 'authn_login_fail',
        email: 'alice@example.com',
        userId: 1,
        ip: '203.0.113.7',
        requestId: 'c0ffee00-0000-4000-8000-000000000001',
      }),
    ]);
  });

  it('stamps the event with the time in ISO 8601 UTC', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T12:00:00.250Z') });
    try {
      void sut.record('session_expired', { userId: 1, reason: 'idle' });
    } finally {
      jest.useRealTimers();
    }

    expect(entries()[0].time).toBe('2030-01-01T12:00:00.250Z');
  });

  it('names no IP or request id for an event outside a request', async () => {
    await sut.record('session_expired', { userId: 1, reason: 'idle' });

    const [entry] = entries();
    expect(entry).toMatchObject({ event: 'session_expired', userId: 1, reason: 'idle' });
    expect(entry).not.toHaveProperty('ip');
    expect(entry).not.toHaveProperty('requestId');
  });

  it('keeps the IP of each request to its own events', async () => {
    await Promise.all(
      ['198.51.100.1', '198.51.100.2'].map((ip) =>
        requestContext.run(requestFactory({ ip }), async () => {
          await new Promise((resolve) => setImmediate(resolve));
          await sut.record('authn_login_success', { email: `${ip}@example.com` });
        }),
      ),
    );

    for (const entry of entries()) {
      expect(entry.email).toBe(`${String(entry.ip)}@example.com`);
    }
    expect(entries()).toHaveLength(2);
  });

  it.each([
    ['a newline', 'alice@example.com\n{"level":"info","event":"authn_login_success"}'],
    ['a carriage return', 'alice@example.com\r\nforged'],
    ['control characters', 'alice\u0000\u001b[31m@example.com'],
    ['quotes and backslashes', 'alice"}\\@example.com'],
  ])('keeps an email with %s inside one line, unchanged', async (_name, email) => {
    await sut.record('authn_login_fail', { email });

    expect(output.split('\n')).toHaveLength(2);
    expect(output.endsWith('\n')).toBe(true);
    expect(entries()[0].email).toBe(email);
  });

  describe('listeners', () => {
    it('hands each event to every listener, with the request that caused it, and waits', async () => {
      const kept: unknown[] = [];
      sut.listen(async (event, details, req) => {
        await new Promise((resolve) => setImmediate(resolve));
        kept.push([event, details, req?.ip]);
      });
      const req = requestFactory();

      await requestContext.run(req, () =>
        sut.record('authn_password_change', { userId: 3, reason: 'settings' }),
      );

      expect(kept).toEqual([
        ['authn_password_change', { userId: 3, reason: 'settings' }, '203.0.113.7'],
      ]);
    });

    it('logs a listener that fails, goes on to the next, and does not fail its caller', async () => {
      const next = jest.fn().mockResolvedValue(undefined);
      sut.listen(() => Promise.reject(new Error('disk full')));
      sut.listen(next);

      await expect(
        sut.record('user_updated', { userId: 3, reason: 'username_changed' }),
      ).resolves.toBeUndefined();

      expect(next).toHaveBeenCalledTimes(1);
      expect(entries()).toEqual([
        expect.objectContaining({ event: 'user_updated' }),
        expect.objectContaining({ level: 'error', msg: expect.stringContaining('disk full') }),
      ]);
    });
  });

  it.each(['password', 'confirmPassword', '_csrf', 'passwordHash', 'cookie'])(
    'writes %s as [redacted], at the top level and one level down',
    (field) => {
      const secret = 'f00dfeed-secret-value';

      logger.info({ [field]: secret, email: 'alice@example.com' }, 'careless');
      logger.info({ body: { [field]: secret, email: 'alice@example.com' } }, 'careless too');

      expect(output).not.toContain(secret);
      const [top, nested] = entries();
      expect(top).toMatchObject({ [field]: '[redacted]', email: 'alice@example.com' });
      expect(nested.body).toEqual({ [field]: '[redacted]', email: 'alice@example.com' });
    },
  );
});
