import {
  BadRequestException,
  NestApplicationOptions,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response, urlencoded } from 'express';
import session from 'express-session';
import hbs = require('hbs');
import { dirname, join } from 'node:path';
import passport from 'passport';
import { AppModule } from './app.module';
import { csrfProtection } from './common/csrf';
import { formValidationPipe } from './common/form-validation.pipe';
import { noStore, securityHeaders } from './common/security-headers';
import { AppConfig } from './config/app-config';
import { resolveSessionSecrets } from './config/session-secret';
import { TypeormSessionStore } from './sessions/typeorm-session.store';

const ROOT = join(__dirname, '..');
const VIEWS_DIR = join(ROOT, 'views');
const BOOTSTRAP_CSS_DIR = dirname(require.resolve('bootstrap/dist/css/bootstrap.min.css'));

/** Builds the application as `npm start` runs it; e2e tests call it too. */
export async function createApp(
  config: AppConfig,
  options: NestApplicationOptions = {},
): Promise<NestExpressApplication> {
  // First, so that a missing production secret stops the start before anything else runs.
  const sessionSecrets = resolveSessionSecrets(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    ...options,
    // Only HTML forms are accepted, through the parser configured below.
    bodyParser: false,
  });
  configureApp(app, config, sessionSecrets);
  return app;
}

/** Everything around the routes, in the order a request meets it. */
export function configureApp(
  app: NestExpressApplication,
  config: AppConfig,
  sessionSecrets: string[],
): void {
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  if (config.trustProxy !== undefined) {
    app.set('trust proxy', config.trustProxy);
  }

  // Static files first, under a prefix, so that they cost neither a session nor a lookup on `/`.
  app.useStaticAssets(join(ROOT, 'public'), { prefix: '/static', index: false });
  app.useStaticAssets(BOOTSTRAP_CSS_DIR, { prefix: '/static/bootstrap', index: false });
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
  app.use(requireFormBody);

  app.use(
    session({
      name: config.isProduction ? '__Host-sid' : 'sid',
      secret: sessionSecrets,
      store: app.get(TypeormSessionStore),
      resave: false,
      saveUninitialized: false,
      unset: 'destroy',
      // No maxAge: the browser forgets the cookie when it closes, and the server expires the
      // session after an hour idle (see TypeormSessionStore).
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, path: '/' },
    }),
  );
  app.use(passport.session());
  app.use(csrfProtection);

  app.useGlobalPipes(formValidationPipe);
}

/** Names that can never be form fields, and that class-transformer silently skips. */
const RESERVED_FIELDS = ['constructor', 'prototype', '__proto__'];

/** A POST must be an HTML form: JSON, multipart or no body at all get 415. */
function requireFormBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'POST') {
    next();
  } else if (!req.is('application/x-www-form-urlencoded')) {
    next(new UnsupportedMediaTypeException());
  } else if (RESERVED_FIELDS.some((name) => Object.hasOwn(req.body as object, name))) {
    next(new BadRequestException());
  } else {
    next();
  }
}
