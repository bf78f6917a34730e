import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import type { DataSource } from 'typeorm';
import type * as AppSetup from '../../src/app.setup';
import type { AppConfig } from '../../src/config/app-config';
import type * as Config from '../../src/config/app-config';
import type * as Users from '../../src/users/users.service';

export const TEST_SECRET = 'e2e-session-secret-that-is-long-enough-0123456789';

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
  /** The folder of this app's SQLite database; removed by `cleanup`. */
  dir: string;
  dataSource: DataSource;
  /** This app's UsersService, to simulate what HTTP alone cannot (such as a lost race). */
  usersService: Users.UsersService;
  /** A client that keeps cookies, like one browser. */
  agent(): TestAgent;
  /** Every JSON line the app has logged so far, parsed. */
  logs(): LogLine[];
  /** How many rows of `table` match `where`. */
  countRows(table: 'users' | 'sessions', where?: string, params?: unknown[]): Promise<number>;
  /** Stops the app and leaves its database, for a restart. */
  close(): Promise<void>;
  /** Stops the app and deletes its folder. */
  cleanup(): Promise<void>;
}

/**
 * Starts the real application (the same `createApp` as `npm start`) on a temporary SQLite
 * database that the real migrations build. Pass `dir` to start again on an existing database.
 */
export async function startTestApp(
  env: NodeJS.ProcessEnv = {},
  dir = mkdtempSync(join(tmpdir(), 'nest-auth-e2e-')),
): Promise<TestApp> {
  // Each app gets its own module registry, as it would get its own process: Passport keeps
  // strategies and serializers in module state, so two apps in one registry would share them.
  let modules!: {
    setup: typeof AppSetup;
    config: typeof Config;
    users: typeof Users;
    typeorm: typeof import('typeorm');
  };
  /* eslint-disable @typescript-eslint/no-require-imports -- an isolated registry needs require() */
  jest.isolateModules(() => {
    modules = {
      setup: require('../../src/app.setup') as typeof AppSetup,
      config: require('../../src/config/app-config') as typeof Config,
      users: require('../../src/users/users.service') as typeof Users,
      typeorm: require('typeorm') as typeof import('typeorm'),
    };
  });
  /* eslint-enable @typescript-eslint/no-require-imports */

  const config = modules.config.loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
    SESSION_SECRET: TEST_SECRET,
    BCRYPT_COST: '4',
    // Generous limits, so that the suites' many sign-ins from 127.0.0.1 are not throttled; the
    // limits' own tests set them low.
    THROTTLE_LOGIN_PER_MINUTE: '1000',
    THROTTLE_REGISTER_PER_HOUR: '100000',
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
  });
  await app.init();
  const dataSource = app.get(modules.typeorm.DataSource);
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
    dataSource,
    usersService: app.get(modules.users.UsersService),
    agent: () => request.agent(app.getHttpServer()),
    logs: () => logLines.map((line) => JSON.parse(line) as LogLine),
    countRows: async (table, where = '1 = 1', params = []) => {
      const [{ n }] = await dataSource.query<{ n: number }[]>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
        params,
      );
      return Number(n);
    },
    close,
    cleanup: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
