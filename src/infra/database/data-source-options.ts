import * as sqlite3 from 'sqlite3';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';

type Entities = NonNullable<DataSourceOptions['entities']>;

/**
 * The one definition of the database connection, shared by the app and the TypeORM CLI. Each
 * engine has its own migrations (generated from the same entities; CI checks both). The
 * entities come from the caller (`src/entities.ts` lists the app's), so this folder knows no
 * feature.
 */
export function dataSourceOptions(config: AppConfig, entities: Entities): DataSourceOptions {
  const common = {
    entities,
    synchronize: false,
    // `findOneBy({ id: undefined })` would otherwise match the first row of the table.
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
  } satisfies Partial<DataSourceOptions>;

  if (config.database.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.database.url,
      migrations: postgresMigrations,
      // Fail a request quickly, rather than queue it, when the server cannot be reached.
      extra: { max: 10, connectionTimeoutMillis: 5000 },
    };
  }
  return {
    ...common,
    type: 'sqlite',
    database: config.database.path,
    // TypeORM turns on sqlite3's verbose mode, which captures a stack trace and formats the
    // arguments of every query: a tenth of the app's CPU on a page view. This driver skips it.
    driver: { ...sqlite3, verbose: () => sqlite3 },
    // WAL lets readers go on while a write commits; the busy timeout waits out a lock
    // held by a migration or another process instead of failing at once.
    enableWAL: true,
    busyTimeout: 5000,
    migrations: sqliteMigrations,
    // Each migration in a transaction of its own, so that one (VACUUM) can run outside any.
    migrationsTransactionMode: 'each',
  };
}
