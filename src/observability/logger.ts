import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import pino, { DestinationStream, Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogConfig } from '../config/app-config';
import { requestContext } from './request-context';

/**
 * A field whose name looks like a secret: any password, token, code, secret, recovery code,
 * one-time password, cookie, authorization, CSRF token or hash, however it is cased or
 * prefixed (`newPassword`, `reset_token`, `recoveryCodes`, `totpSecret`...). A new form field
 * needs no entry here to stay out of the logs.
 */
const SECRET_NAME =
  /^pass$|password|passwd|passphrase|token|secret|recovery|otp|cookie|authori[sz]ation|csrf|hash|credential/i;
/** `code`, `resetCode`, `reset_code`, `TOTP_CODE`: a word "code" in any naming style. */
const CODE_NAME = /(^code|Code|[_-]code|CODE)/;
/** Names that match a pattern but hold no secret. */
const NOT_SECRET = new Set(['statusCode']);

const isSecretName = (key: string) =>
  (SECRET_NAME.test(key) || CODE_NAME.test(key)) && !NOT_SECRET.has(key);

export const REDACTED = '[redacted]';

/**
 * How a request and a response appear in a log line, wherever they are: the few fields of the
 * request log, never headers, cookies, query string or body. Anything else is left as it is.
 */
function httpMessageFields(value: unknown): unknown {
  if (value instanceof IncomingMessage) {
    const req = value as IncomingMessage & { id?: unknown; originalUrl?: string };
    return {
      id: req.id,
      method: req.method,
      path: (req.originalUrl ?? req.url ?? '').split('?')[0],
    };
  }
  if (value instanceof ServerResponse) {
    return { statusCode: value.statusCode };
  }
  return value;
}

/** A copy of `value` with every secret-looking field's value replaced, at any depth. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactSecrets(item, depth + 1));
  }
  if (value instanceof Error) {
    return value;
  }
  if (value instanceof IncomingMessage || value instanceof ServerResponse) {
    // Never walked: the whole Express app hangs off a request (walking it took a tenth of the
    // CPU of a page view, and lost the status, a getter, on the way).
    return httpMessageFields(value);
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretName(key) ? REDACTED : redactSecrets(item, depth + 1);
  }
  return copy;
}

/**
 * Log lines to standard output are written in batches, not one write a line: a request line
 * waits for the next few requests, or a second at most. Audit events, warnings and errors are
 * written at once (`flush`), and whatever waits is written when the process exits, whether by
 * `process.exit`, SIGTERM's clean stop or an uncaught exception (pino's exit handler).
 *
 * No write is larger than a pipe writes whole (PIPE_BUF, 4096 bytes on Linux) and none splits a
 * line, so the workers of a cluster, which share standard output, never interleave two lines.
 */
const WARN = 40;

const LOG_BATCH = { minLength: 2048, maxWrite: 4096, periodicFlush: 1000 };

/**
 * The application's logger: one JSON object a line, UTC ISO times, a worker's lines saying
 * which; or, with `format: 'pretty'`, the same events as one coloured line each, for a person
 * at a terminal. `destination` (tests) always gets JSON; else the lines go to standard output, or
 * with `fd: 2` to standard error (the operator's command line, whose output is its answer).
 */
export function createLogger(
  destination?: DestinationStream,
  { format, level }: Pick<LogConfig, 'format' | 'level'> = { format: 'json', level: 'info' },
  { fd = 1 }: { fd?: 1 | 2 } = {},
): Logger {
  return pino(
    {
      level,
      base: cluster.isWorker ? { worker: cluster.worker?.id } : undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        // Warnings and errors are written at once, wherever they are logged from.
        logMethod(args, write, level) {
          write.apply(this, args);
          if (level >= WARN) {
            this.flush();
          }
        },
      },
      // For requests and responses given as bindings (child loggers), which skip `log` below.
      serializers: { req: httpMessageFields, res: httpMessageFields },
      formatters: {
        level: (label) => ({ level: label }),
        // A last line of defence: secret-looking fields never reach a log, whatever a caller
        // passes (request logs hold no headers, query string or body in the first place).
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
    },
    destination ??
      (format === 'pretty'
        ? prettyLines(fd)
        : pino.destination({ dest: fd, sync: false, ...LOG_BATCH })),
  );
}

/**
 * `12:03:04 INFO  GET /login 200 3 ms` and `12:03:04 WARN  (Bootstrap) message`: the time,
 * the level, then what happened; a request line says its method, path, status and time, other
 * lines their message and context. Other fields follow on the same line.
 */
function prettyLines(fd: 1 | 2): DestinationStream {
  return pinoPretty({
    destination: fd,
    colorize: (fd === 1 ? process.stdout : process.stderr).isTTY,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime,context,audit',
    messageFormat: (log) => {
      const { req, res, responseTime, context, msg } = log as unknown as PrettyFields;
      if (req && res) {
        return `${req.method} ${req.path} ${res.statusCode} ${responseTime} ms`;
      }
      return context ? `(${context}) ${msg}` : msg;
    },
  });
}

interface PrettyFields {
  msg: string;
  context?: string;
  req?: { method: string; path: string };
  res?: { statusCode: number };
  responseTime?: number;
}

declare module 'http' {
  interface IncomingMessage {
    /** This request's id: in its log line, its audit events and `X-Request-Id`. */
    id?: string;
  }
}

/**
 * Logs each request once it is answered (method, path, status, time, IP; never the query string,
 * headers or cookies) under a request id, which also goes back in `X-Request-Id`. The request is
 * then available to the code that serves it through `requestContext`. One line through the
 * application's logger, with no child logger per request.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = Date.now();
    // The client's address, worked out once (Express reads the socket and the proxy headers on
    // every `req.ip`) and kept: an event logged after the client hung up still names it.
    Object.defineProperty(req, 'ip', { value: req.ip, enumerable: true });
    req.id = randomUUID();
    res.setHeader('X-Request-Id', req.id);
    let logged = false;
    // On `finish`, or on `close` when the client went away first: once either way.
    const answered = () => {
      if (logged) {
        return;
      }
      logged = true;
      logger.info(
        { req, ip: req.ip, res, responseTime: Date.now() - started },
        res.statusCode >= 500 ? 'request errored' : 'request completed',
      );
    };
    res.once('finish', answered);
    res.once('close', answered);
    requestContext.run(req, next);
  };
}
