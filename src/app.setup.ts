import {
  BadRequestException,
  MethodNotAllowedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, RequestHandler, Response, urlencoded } from 'express';
import type { Store } from 'express-session';
import hbs = require('hbs');
import { dirname, join } from 'node:path';
import cookieParser from 'cookie-parser';
import passport from 'passport';
import type { DestinationStream, Logger } from 'pino';
import { PASSKEY_ADD_PATHS } from './account/passkeys/passkeys-page.controller';
import { AppModule } from './app.module';
import { PASSKEY_SIGN_IN_PATHS } from './auth/sign-in/passkey-sign-in.controller';
import { Csrf, csrfProtection, derivedSecrets } from './web/csrf';
import { alwaysSecureCookies, textCookiesOnly } from './web/cookies';
import { formValidationPipe } from './web/form-validation.pipe';
import { isJsonRequest, jsonBodies } from './web/json-routes';
import { limitServer } from './web/server-limits';
import { noStore, securityHeaders } from './web/security-headers';
import { AppConfig } from './config/app-config';
import { resolveSessionSecrets } from './config/session-secret';
import { makeDataFolder } from './config/data-folder';
import type { MailOptions } from './infra/mail/mail.options';
import { APP_LOGGER, AuditLog } from './observability/audit-log';
import { createLogger, httpLogger } from './observability/logger';
import { NestPinoLogger } from './observability/nest-logger';
import {
  onlyWithSession,
  saveBeforeRedirect,
  sessionLifetime,
  sessionMiddleware,
} from './sessions/session.middleware';
import { SESSION_STORE } from './sessions/sessions.module';

const ROOT = join(__dirname, '..');
const VIEWS_DIR = join(ROOT, 'views');
const BOOTSTRAP_CSS_DIR = dirname(require.resolve('bootstrap/dist/css/bootstrap.min.css'));
/** The browser half of @simplewebauthn, one script for the passkey pages, served from here. */
const WEBAUTHN_BROWSER_DIR = join(
  dirname(require.resolve('@simplewebauthn/browser')),
  '..',
  'dist',
  'bundle',
);

export interface CreateAppOptions {
  /** Where the JSON log lines go; standard output by default. */
  logDestination?: DestinationStream;
  /** How the mail queue behaves, when not as in production (tests shorten the retry delays). */
  mail?: Partial<MailOptions>;
}

/** Builds the application as `npm start` runs it; e2e tests call it too. */
export async function createApp(
  config: AppConfig,
  { logDestination, mail }: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  // First, so that an unusable data folder or a missing production secret stops the start
  // before anything else runs.
  if (config.database.type === 'sqlite') {
    makeDataFolder(config.dataDir);
  }
  const sessionSecrets = resolveSessionSecrets(config);
  const logger = createLogger(logDestination, config.log);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, logger, { mail }),
    {
      logger: new NestPinoLogger(logger),
      // Only HTML forms are accepted, through the parser configured below.
      bodyParser: false,
      // A failed start reaches main.ts, which says why in one line, rather than ending here.
      abortOnError: false,
    },
  );
  configureApp(app, config, sessionSecrets);
  return app;
}

/** Everything around the routes, in the order a request meets it. */
export function configureApp(
  app: NestExpressApplication,
  config: AppConfig,
  sessionSecrets: string[],
): void {
  const logger = app.get<Logger>(APP_LOGGER);
  limitServer(app.getHttpServer(), config.httpLimits, logger);
  app.disable('x-powered-by');
  // Pages are never cached (no-store), so an ETag (a hash of every page) would serve nothing;
  // static files get theirs from the static file server.
  app.set('etag', false);
  if (config.trustProxy !== undefined) {
    app.set('trust proxy', config.trustProxy);
  }
  app.use(httpLogger(logger));
  app.use(securityHeaders(config));
  app.use(allowOnlyFormMethods);
  app.use(requirePathTarget);

  // Static files next, under a prefix, so that they cost neither a session nor a lookup on `/`.
  app.useStaticAssets(join(ROOT, 'public'), { prefix: '/static', index: false });
  app.useStaticAssets(BOOTSTRAP_CSS_DIR, { prefix: '/static/bootstrap', index: false });
  app.useStaticAssets(WEBAUTHN_BROWSER_DIR, { prefix: '/static/webauthn', index: false });
  app.use(noStore);

  app.setBaseViewsDir(VIEWS_DIR);
  // The engine is given explicitly so that Express renders with this hbs, which has the partials.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- made to be passed to Express as is
  app.engine('hbs', hbs.__express);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  hbs.registerPartials(join(VIEWS_DIR, 'partials'));

  // Small forms only; depth 0 refuses `a[b]=` nesting, and a field sent twice becomes an
  // array that the DTOs refuse.
  app.use(urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }));
  // The WebAuthn ceremonies take JSON, and only JSON; no other route does.
  app.use(jsonBodies(JSON_ROUTES));
  app.use(requireFormBody);

  // Signed cookies (the flash messages) get a key of their own, derived from SESSION_SECRET.
  app.use(cookieParser(derivedSecrets(sessionSecrets, 'cookies')));
  app.use(textCookiesOnly);
  alwaysSecureCookies(app, config.isProduction);

  const audit = app.get(AuditLog);
  // req.isAuthenticated() and req.logIn() on every request; the session and the signed-in user
  // only where there is a session, or may be one (see onlyWithSession).
  app.use(passport.initialize({ compat: false }));
  app.use(
    onlyWithSession(
      sessionMiddleware(app.get<Store>(SESSION_STORE), sessionSecrets),
      saveBeforeRedirect,
      sessionLifetime(config, audit),
      passport.session() as RequestHandler,
    ),
  );
  app.use(csrfProtection(new Csrf(sessionSecrets), audit));

  app.useGlobalPipes(formValidationPipe);
}

const METHODS = new Set(['GET', 'HEAD', 'POST']);

/** A site of pages and forms: TRACE, PUT, OPTIONS (no CORS) and the rest get 405. */
function allowOnlyFormMethods(req: Request, res: Response, next: NextFunction): void {
  if (METHODS.has(req.method)) {
    next();
    return;
  }
  res.setHeader('Allow', 'GET, HEAD, POST');
  res.setHeader('Cache-Control', 'no-store');
  next(new MethodNotAllowedException());
}

/**
 * Only a path (or an absolute URL, whose path is read) names a page: `*` and other request
 * targets get 400 here, before any middleware that expects a path (express-session skips them,
 * so they would reach the routes with no session at all).
 */
function requirePathTarget(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith('/')) {
    next();
    return;
  }
  res.setHeader('Cache-Control', 'no-store');
  next(new BadRequestException());
}

/**
 * A field named like a member of Object.prototype (`constructor`, `toString`, `__proto__`...)
 * can never be a form field, and class-transformer would skip it without a word.
 */
const isReservedName = (name: string) => name in Object.prototype || name === 'prototype';

/** The paths of the routes that take JSON: the passkey ceremonies. */
const JSON_ROUTES: ReadonlySet<string> = new Set([...PASSKEY_SIGN_IN_PATHS, ...PASSKEY_ADD_PATHS]);

/**
 * A POST must be an HTML form (JSON, multipart or no body at all get 415), but on a JSON route,
 * which takes only a JSON object.
 */
function requireFormBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'POST') {
    next();
  } else if (JSON_ROUTES.has(req.path)) {
    const object = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body);
    next(isJsonRequest(req) && object ? undefined : new UnsupportedMediaTypeException());
  } else if (!req.is('application/x-www-form-urlencoded')) {
    next(new UnsupportedMediaTypeException());
  } else if (Object.keys(req.body as object).some(isReservedName)) {
    next(new BadRequestException());
  } else {
    next();
  }
}
