import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config';

/**
 * Headers on every answer, redirects and errors included. The CSP allows only this site's own
 * files: the templates have no inline script or style. `data:` images are Bootstrap's SVG icons.
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const headers = headersSetBy(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      frameguard: { action: 'deny' },
      // Not `no-referrer`: with it, browsers send `Origin: null` on the site's own form posts,
      // which the cross-site check must refuse.
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: config.isProduction
        ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true }
        : false,
    }),
  );
  return (_req, res, next) => {
    for (const [name, value] of headers) {
      res.setHeader(name, value);
    }
    next();
  };
}

/**
 * The headers `middleware` sets, found once at start-up. Helmet decides them, but ours are the
 * same for every request (no nonce, nothing read from the request), so each request only
 * sets a list instead of running helmet's dozen middlewares.
 */
function headersSetBy(middleware: RequestHandler): [string, string][] {
  const headers: [string, string][] = [];
  const res = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  let done = false;
  middleware({} as Request, res as unknown as Response, () => (done = true));
  if (!done) {
    throw new Error('The security headers middleware did not finish at once');
  }
  return headers;
}

/** Pages show personal data or carry CSRF tokens: no cache, shared or private, keeps them. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
