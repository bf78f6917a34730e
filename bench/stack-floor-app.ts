import 'reflect-metadata';
import { Controller, Get, Module, Render, Req, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { SessionData, Store } from 'express-session';
import hbs = require('hbs');
import { join } from 'node:path';
import passport from 'passport';
import { FLOOR_USERS, floorSessionId } from './floor-sessions';

/**
 * The floor: the frameworks the app is built on, with none of the app's own work. NestJS on
 * Express, express-session, Passport's session and hbs render the app's own templates (the
 * login page; the home page, signed in, in the app's layout), from a session store that is a
 * Map in memory, and only for requests with a session cookie (as in the app). No database, no
 * log line, no security header, no CSRF token, no rate limit.
 * What the app costs beyond this is what its own code costs; what this costs, no code of the
 * app can take away.
 */
const ROOT = join(__dirname, '..');
const SESSION_COOKIE = '__Host-sid';

/** Every session signed in already, as the bench's seeded databases have them. */
class MapStore extends Store {
  constructor(private readonly sessions: Map<string, SessionData>) {
    super();
  }

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void) {
    callback(null, this.sessions.get(sid) ?? null);
  }

  override set(sid: string, data: SessionData, callback?: (error?: unknown) => void) {
    this.sessions.set(sid, data);
    callback?.();
  }

  override destroy(sid: string, callback?: (error?: unknown) => void) {
    this.sessions.delete(sid);
    callback?.();
  }

  override touch(_sid: string, _data: SessionData, callback?: () => void) {
    callback?.();
  }
}

@Controller()
class FloorController {
  @Get('login')
  @Render('sign-in/login')
  login(): object {
    return { title: 'Sign in', productName: 'Nest Auth', flashes: [], csrfToken: 'token' };
  }

  @Get()
  @Render('account/home')
  home(@Req() req: Request): object {
    const user = req.user;
    if (!user) {
      throw new UnauthorizedException();
    }
    return {
      title: 'Home',
      productName: 'Nest Auth',
      currentUser: { username: user.username, email: user.email, emailVerified: true },
      csrfToken: 'token',
      flashes: [],
    };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const secret = process.env.SESSION_SECRET as string;
  const sessions = new Map<string, SessionData>();
  for (let id = 1; id <= FLOOR_USERS; id++) {
    const stored: SessionData = {
      cookie: { originalMaxAge: null, httpOnly: true, path: '/', sameSite: 'lax' },
      passport: { user: id },
    };
    sessions.set(floorSessionId(id), stored);
  }
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id: number, done) =>
    done(null, { id, username: `user${id}`, email: `user${id}@example.com`, emailVerified: true }),
  );

  const app = await NestFactory.create<NestExpressApplication>(FloorModule, {
    logger: ['error', 'warn'],
  });
  app.setBaseViewsDir(join(ROOT, 'views'));
  // eslint-disable-next-line @typescript-eslint/unbound-method -- made to be passed to Express as is
  app.engine('hbs', hbs.__express);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  hbs.registerPartials(join(ROOT, 'views', 'partials'));
  const withSession = session({
    store: new MapStore(sessions),
    secret,
    name: SESSION_COOKIE,
    resave: false,
    saveUninitialized: false,
  });
  const signedIn = passport.session() as RequestHandler;
  // As in the app, a request without a session cookie skips the session: express-session would
  // make one (a random id and its hash) for every anonymous page view, only to drop it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) {
      next();
      return;
    }
    withSession(req, res, (error?: unknown) => (error ? next(error) : signedIn(req, res, next)));
  });
  await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
