import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import type { DataSource } from 'typeorm';
import type * as AppSetup from '../../src/app.setup';
import type { AppConfig } from '../../src/config/app-config';
import type * as Config from '../../src/config/app-config';
import type * as Mail from '../../src/infra/mail/mail.service';
import type { MailOptions } from '../../src/infra/mail/mail.options';
import type * as Housekeeping from '../../src/housekeeping/housekeeping.service';
import type * as Sessions from '../../src/sessions/sessions.service';
import type * as SessionStore from '../../src/sessions/session-store';
import type { Store } from 'express-session';
import type * as Users from '../../src/users/users.service';
import { createTestDatabase, placeholders } from './test-database';

export const TEST_SECRET = 'e2e-session-secret-that-is-long-enough-0123456789';

/**
 * What production requires for mail, for tests that start it and send nothing: no SMTP server
 * listens on port 1.
 */
export const PRODUCTION_MAIL = {
  APP_URL: 'https://auth.example.test',
  MAIL_URL: 'smtp://127.0.0.1:1',
};

export interface LogLine {
  level: string;
  time: string;
  msg: string;
  event?: string;
  [field: string]: unknown;
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** This app's data folder (its SQLite database, a generated secret); removed by `cleanup`. */
  dir: string;
  /** Its DATABASE_URL: a SQLite file in `dir`, or a PostgreSQL database of its own. */
  databaseUrl: string;
  dataSource: DataSource;
  /** This app's UsersService, to simulate what HTTP alone cannot (such as a lost race). */
  usersService: Users.UsersService;
  /** This app's MailService (from its own module registry: `app.get(MailService)` would miss). */
  mail: Mail.MailService;
  /** This app's SessionsService, which no page calls yet. */
  sessionsService: Sessions.SessionsService;
  /** The express-session store the app's session middleware uses (to slow a write, say). */
  sessionStore: Store;
  /** This app's HousekeepingService, to run it now rather than on its timer. */
  housekeeping: Housekeeping.HousekeepingService;
  /** A client that keeps cookies, like one browser. */
  agent(): TestAgent;
  /**
   * Listens on a free port of 127.0.0.1, for clients other than supertest (fetch, raw sockets);
   * its base URL, such as `http://127.0.0.1:41234`.
   */
  listen(): Promise<string>;
  /** Every JSON line the app has logged so far, parsed. */
  logs(): LogLine[];
  /** Runs SQL on the app's database, with `?` placeholders whatever the engine. */
  sql<T>(sql: string, params?: unknown[]): Promise<T>;
  /** How many rows of `table` match `where`. */
  countRows(
    table: 'users' | 'sessions' | 'rate_limits' | 'tokens',
    where?: string,
    params?: unknown[],
  ): Promise<number>;
  /** Drops this app's database (PostgreSQL); for `cleanup` and restarts. */
  dropDatabase(): Promise<void>;
  /** Stops the app and leaves its database, for a restart. */
  close(): Promise<void>;
  /** Stops the app and deletes its folder and database. */
  cleanup(): Promise<void>;
}

/**
 * Starts the real application (the same `createApp` as `npm start`) on a temporary database
 * that the real migrations build: SQLite, or PostgreSQL under `npm run test:postgres`. Pass the
 * `previous` app (closed) to start again on its data, as a restart would (or a folder and a
 * database prepared by the test), and `mail` to change how its mail queue behaves (such as
 * shorter retry delays).
 */
export async function startTestApp(
  env: NodeJS.ProcessEnv = {},
  previous?: Pick<TestApp, 'dir' | 'databaseUrl' | 'dropDatabase'>,
  { mail }: { mail?: Partial<MailOptions> } = {},
): Promise<TestApp> {
  const dir = previous?.dir ?? mkdtempSync(join(tmpdir(), 'nest-auth-e2e-'));
  const database = previous
    ? { url: previous.databaseUrl, drop: previous.dropDatabase }
    : await createTestDatabase(dir);

  // Each app gets its own module registry, as it would get its own process: Passport keeps
  // strategies and serializers in module state, so two apps in one registry would share them.
  let modules!: {
    setup: typeof AppSetup;
    config: typeof Config;
    users: typeof Users;
    mail: typeof Mail;
    sessions: typeof Sessions;
    sessionStore: typeof SessionStore;
    housekeeping: typeof Housekeeping;
    typeorm: typeof import('typeorm');
  };
  /* eslint-disable @typescript-eslint/no-require-imports -- an isolated registry needs require() */
  jest.isolateModules(() => {
    modules = {
      setup: require('../../src/app.setup') as typeof AppSetup,
      config: require('../../src/config/app-config') as typeof Config,
      users: require('../../src/users/users.service') as typeof Users,
      mail: require('../../src/infra/mail/mail.service') as typeof Mail,
      sessions: require('../../src/sessions/sessions.service') as typeof Sessions,
      sessionStore: require('../../src/sessions/session-store') as typeof SessionStore,
      housekeeping: require('../../src/housekeeping/housekeeping.service') as typeof Housekeeping,
      typeorm: require('typeorm') as typeof import('typeorm'),
    };
  });
  /* eslint-enable @typescript-eslint/no-require-imports */

  const config = modules.config.loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SESSION_SECRET: TEST_SECRET,
    BCRYPT_COST: '4',
    // Generous limits, so that the suites' many sign-ins from 127.0.0.1 are not throttled; the
    // limits' own tests set them low.
    THROTTLE_LOGIN_PER_MINUTE: '1000',
    THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '100000',
    THROTTLE_REGISTER_PER_HOUR: '100000',
    THROTTLE_RESET_PER_ADDRESS_PER_HOUR: '1000',
    THROTTLE_RESET_PER_NETWORK_PER_HOUR: '100000',
    LOCKOUT_THRESHOLD: '1000',
    ...env,
  });
  const logLines: string[] = [];
  const app = await modules.setup.createApp(config, {
    logDestination: {
      write: (line: string) => {
        logLines.push(line);
        // E2E_LOGS=1 shows what the app logs, such as the cause of a 500.
        if (process.env.E2E_LOGS) {
          process.stderr.write(line);
        }
      },
    },
    mail,
  });
  await app.init();
  const dataSource = app.get(modules.typeorm.DataSource);
  const sql = <T>(text: string, params: unknown[] = []) =>
    dataSource.query<T>(placeholders(text), params);
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await app.close();
    }
  };
  return {
    app,
    config,
    dir,
    databaseUrl: database.url,
    dataSource,
    usersService: app.get(modules.users.UsersService),
    mail: app.get(modules.mail.MailService),
    sessionsService: app.get(modules.sessions.SessionsService),
    sessionStore: app.get<Store>(modules.sessionStore.SESSION_STORE),
    housekeeping: app.get(modules.housekeeping.HousekeepingService),
    agent: () => request.agent(app.getHttpServer()),
    listen: async () => {
      await app.listen(0, '127.0.0.1');
      return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    },
    logs: () => logLines.map((line) => JSON.parse(line) as LogLine),
    sql,
    countRows: async (table, where = '1 = 1', params = []) => {
      const [{ n }] = await sql<{ n: number }[]>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
        params,
      );
      return Number(n);
    },
    close,
    dropDatabase: database.drop,
    cleanup: async () => {
      await close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
