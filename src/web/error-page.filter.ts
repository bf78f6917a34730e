import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CSRF_ERROR_CODE } from './csrf';
import { isJsonRequest } from './json-routes';
import { PageException } from './page.exception';
import { RedirectException } from './redirect.exception';
import { TooManyAttemptsException } from './too-many-attempts.exception';
import { flash } from './flash';
import { pageLocals } from './pages';
import { refererPath } from './safe-redirect';

/** What a person is told for each status; never the exception's own text. */
const MESSAGES: Record<number, { heading: string; message: string }> = {
  400: { heading: 'Bad request', message: 'The request could not be understood.' },
  401: { heading: 'Not signed in', message: 'Please log in to continue.' },
  403: { heading: 'Forbidden', message: 'You are not allowed to do that.' },
  404: { heading: 'Page not found', message: 'There is no page at this address.' },
  405: { heading: 'Method not allowed', message: 'This page cannot be used that way.' },
  413: { heading: 'Too large', message: 'What you sent is larger than this site accepts.' },
  415: {
    heading: 'Unsupported form',
    message: 'Forms must be sent as ordinary HTML forms (application/x-www-form-urlencoded).',
  },
  422: { heading: 'Invalid input', message: 'Some of what you entered could not be accepted.' },
  429: { heading: 'Too many attempts', message: 'Please wait a moment and try again.' },
  500: { heading: 'Something went wrong', message: 'Please try again in a moment.' },
  503: {
    heading: 'Unavailable',
    message: 'The site cannot answer right now. Please try again soon.',
  },
};

/**
 * The last word on every error: redirects for the auth guards, a feature's own error page (an
 * expired link), the "form expired" page for a bad CSRF token, and an error page with a generic
 * message (logged when it is the app's fault).
 */
@Catch()
export class ErrorPageFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorPageFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      return;
    }

    if (error instanceof RedirectException) {
      if (error.flash) {
        flash(req, error.flash.type, error.flash.message);
      }
      res.redirect(303, error.url);
      return;
    }

    if (error instanceof PageException) {
      const { view, title, form } = error.page;
      this.render(req, res, error.getStatus(), view, { title, form, ...error.data });
      return;
    }

    const status = statusOf(error);
    if (status >= 500) {
      this.logger.error(`${req.method} ${req.path} failed`, (error as Error)?.stack);
    }

    if ((error as { code?: unknown })?.code === CSRF_ERROR_CODE && !isJsonRequest(req)) {
      this.render(req, res, status, 'errors/form-expired', {
        title: 'Form expired',
        retryPath: refererPath(req),
      });
      return;
    }

    const { heading, message } = MESSAGES[status] ?? MESSAGES[status < 500 ? 400 : 500];
    if (error instanceof TooManyAttemptsException) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    if (isJsonRequest(req)) {
      // A page's script (the passkey routes) refused before its route: it reads JSON, not a page.
      const refused = (error as { code?: unknown })?.code === CSRF_ERROR_CODE;
      res.status(status).json({
        error: refused
          ? 'This page has expired. Please reload it and try again.'
          : error instanceof TooManyAttemptsException
            ? error.message
            : message,
      });
      return;
    }
    this.render(req, res, status, 'errors/error', {
      title: heading,
      heading,
      // A 429 says when to try again; every other message is the generic one for its status.
      message: error instanceof TooManyAttemptsException ? error.message : message,
      status,
    });
  }

  private render(
    req: Request,
    res: Response,
    status: number,
    view: string,
    data: { title: string } & Record<string, unknown>,
  ): void {
    let locals: object;
    try {
      locals = { ...pageLocals(req, res, data), ...data };
    } catch (error) {
      // Never thrown on: Express's own final handler would write the stack trace to the client
      // outside production.
      this.plainFailure(res, `Could not prepare the ${view} page`, error);
      return;
    }
    res.status(status).render(view, locals, (error, html) => {
      if (error) {
        this.plainFailure(res, `Could not render the ${view} page`, error);
        return;
      }
      res.send(html);
    });
  }

  /** The last resort when even the error page fails: a plain 500, with the cause in the log. */
  private plainFailure(res: Response, message: string, error: unknown): void {
    this.logger.error(message, (error as Error | undefined)?.stack);
    res.status(500).type('text/plain').send('Something went wrong. Please try again.');
  }
}

/** The status to answer with: an HttpException's, a 4xx from Express middleware, else 500. */
function statusOf(error: unknown): number {
  if (error instanceof HttpException) {
    return error.getStatus();
  }
  // body-parser and csrf-sync raise http-errors, which carry their status.
  const status = (error as { status?: unknown; expose?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status;
  }
  return 500;
}
