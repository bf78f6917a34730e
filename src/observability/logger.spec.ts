import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { createLogger, httpLogger, REDACTED, redactSecrets } from './logger';

/** A logger whose lines are kept, parsed. */
const loggerFactory = () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { sut: createLogger(destination), lines };
};

describe(redactSecrets.name, () => {
  it.each([
    'password',
    'confirmPassword',
    'currentPassword',
    'newPassword',
    'pass',
    'token',
    'resetToken',
    'reset_token',
    '_csrf',
    'code',
    'totpCode',
    'recovery',
    'recoveryCodes',
    'secret',
    'totpSecret',
    'passwordHash',
    'cookie',
    'authorization',
    'TOTP_CODE',
  ])('hides a field named %s', (field) => {
    expect(redactSecrets({ [field]: 'hunter2-value' })).toEqual({ [field]: REDACTED });
  });

  it('hides secrets at any depth and in arrays, and keeps everything else', () => {
    expect(
      redactSecrets({
        statusCode: 401,
        user: { id: 7, email: 'a@example.com', resetToken: 't' },
        attempts: [{ code: '123456', at: 1 }],
      }),
    ).toEqual({
      statusCode: 401,
      user: { id: 7, email: 'a@example.com', resetToken: REDACTED },
      attempts: [{ code: REDACTED, at: 1 }],
    });
  });
});

describe(createLogger.name, () => {
  it('writes no value of a secret-looking field, whatever the caller passes', async () => {
    const { sut, lines } = loggerFactory();

    sut.info(
      { newPassword: 'pw-1', form: { token: 'tk-2', recoveryCode: 'rc-3' }, totpSecret: 'ts-4' },
      'something happened',
    );
    sut.flush();
    await new Promise((resolve) => setImmediate(resolve));

    const written = JSON.stringify(lines);
    expect(lines).toHaveLength(1);
    for (const secret of ['pw-1', 'tk-2', 'rc-3', 'ts-4']) {
      expect(written).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ msg: 'something happened', newPassword: REDACTED });
  });

  it('flushes a warning or an error at once, from any child logger; not an info line', () => {
    const destination = { write: jest.fn(), flush: jest.fn() };
    const sut = createLogger(destination);
    const child = sut.child({ component: 'mail' });

    sut.info('a request');
    child.info('a mail queued');
    expect(destination.flush).not.toHaveBeenCalled();

    child.warn('a mail failed; retrying');
    expect(destination.flush).toHaveBeenCalledTimes(1);
    sut.error('a failure');
    expect(destination.flush).toHaveBeenCalledTimes(2);
    expect(destination.write).toHaveBeenCalledTimes(4);
  });
});

describe('a request or a response in a log line', () => {
  const aRequest = () => {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/login?token=query-secret-1';
    req.headers = { cookie: '__Host-sid=cookie-secret-2' };
    const res = new ServerResponse(req);
    res.statusCode = 303;
    return { req, res };
  };

  it('is written as the fields of the request log only, at the top or deeper', async () => {
    const { sut, lines } = loggerFactory();
    const { req, res } = aRequest();

    sut.info({ req, res, context: { request: req, response: res } }, 'answered');
    sut.child({ req }).info('from a child logger');
    sut.flush();
    await new Promise((resolve) => setImmediate(resolve));

    const written = JSON.stringify(lines);
    expect(written).not.toContain('secret');
    expect(lines[0]).toMatchObject({
      req: { method: 'GET', path: '/login' },
      res: { statusCode: 303 },
      context: { request: { method: 'GET', path: '/login' }, response: { statusCode: 303 } },
    });
    expect(lines[1]).toMatchObject({ req: { method: 'GET', path: '/login' } });
  });
});

describe(httpLogger.name, () => {
  it("keeps the client's address of the request, though the socket forgets it", () => {
    const socket = { remoteAddress: '203.0.113.7' as string | undefined };
    const proto = {
      get ip(): string | undefined {
        return socket.remoteAddress;
      },
    };
    const req = Object.assign(Object.create(proto) as Request, { socket });
    const res = { setHeader: jest.fn(), once: jest.fn() } as unknown as Response;

    httpLogger(createLogger({ write: jest.fn() }))(req, res, jest.fn());
    socket.remoteAddress = undefined;

    expect(req.ip).toBe('203.0.113.7');
  });
});
