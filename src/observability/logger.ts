import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import pino, { DestinationStream, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestContext } from './request-context';

const SECRET_FIELDS = ['password', 'confirmPassword', '_csrf', 'passwordHash', 'cookie'];

/** The application's logger: one JSON object a line, UTC ISO times. */
export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A last line of defence: these never reach a log, whatever a caller passes.
      redact: {
        paths: [
          ...SECRET_FIELDS,
          ...SECRET_FIELDS.map((field) => `*.${field}`),
          'req.headers.cookie',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * Logs each request once it is answered (method, path, status, time, IP; never the query string,
 * headers or cookies) under a request id, which also goes back in `X-Request-Id`. The request is
 * then available to the code that serves it through `requestContext`.
 */
export function httpLogger(logger: Logger): RequestHandler {
  const log = pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: ServerResponse) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (req) => ({ ip: (req as Request).ip }),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req: Request, res: Response, next: NextFunction) =>
    log(req, res, () => requestContext.run(req, next));
}
