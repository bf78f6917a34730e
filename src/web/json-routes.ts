import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { RedirectException } from './redirect.exception';

/**
 * The few routes that take and answer JSON (the WebAuthn ceremonies); every other POST is an
 * HTML form. configureApp is given their paths.
 */
export function isJsonRequest(req: Request): boolean {
  // Read from the header itself: the error page asks this of any request, and must not throw.
  const type = req.headers?.['content-type'];
  return typeof type === 'string' && /^\s*application\/json\s*(;|$)/i.test(type);
}

/** JSON bodies, small, for the JSON routes only; everything else gets no JSON parser. */
export function jsonBodies(paths: ReadonlySet<string>) {
  const parse = json({ limit: '16kb', strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'POST' && paths.has(req.path) && isJsonRequest(req)) {
      parse(req, res, next);
    } else {
      next();
    }
  };
}

/**
 * The errors of a JSON route as JSON: `{ "error": "..." }` with its status, the message of a
 * 4xx (written for people by the route), a generic one for anything else (logged).
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(JsonErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'Something went wrong. Please try again in a moment.';
    if (error instanceof RedirectException) {
      // A guard's redirect (to the login page) means the same to a script: not signed in.
      status = HttpStatus.UNAUTHORIZED;
      message = 'Please log in to continue.';
    } else if (error instanceof HttpException && error.getStatus() < 500) {
      status = error.getStatus();
      message = error.message;
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    res.status(status).json({ error: message });
  }
}
