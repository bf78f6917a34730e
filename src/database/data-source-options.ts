import * as sqlite3 from 'sqlite3';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';
import { migrations } from './migrations';

/** The one definition of the database connection, shared by the app and the TypeORM CLI. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'sqlite',
    database: config.database.path,
    // TypeORM turns on sqlite3's verbose mode, which captures a stack trace and formats the
    // arguments of every query: a tenth of the app's CPU on a page view. This driver skips it.
    driver: { ...sqlite3, verbose: () => sqlite3 },
    // WAL lets readers go on while a write commits; the busy timeout waits out a lock
    // held by a migration or another process instead of failing at once.
    enableWAL: true,
    busyTimeout: 5000,
    entities: [User, Session],
    migrations,
    synchronize: false,
    // `findOneBy({ id: undefined })` would otherwise match the first row of the table.
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
  };
}
