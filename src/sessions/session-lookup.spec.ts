import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../infra/database/data-source-options';
import { User } from '../users/user.entity';
import { Session } from './session.entity';
import { SessionLookup, sessionLookup } from './session-lookup';

/** The part of sqlite3's connection that the lookup queues its statements on. */
interface QueuedConnection {
  get: (...args: unknown[]) => void;
}

describe('sessionLookup on SQLite', () => {
  let dir: string;
  let path: string;
  let dataSource: DataSource;
  let sut: SessionLookup;
  let queued: jest.SpyInstance;
  let userId: number;

  const storeSession = (id: string, owner: number | null) =>
    dataSource.getRepository(Session).insert({
      id,
      handle: `handle-${id}`,
      data: JSON.stringify({ cookie: {}, passport: owner === null ? {} : { user: owner } }),
      expiresAt: Date.now() + 60_000,
      lastSeenAt: 1_700_000_000_000,
      createdAt: 1_700_000_000_000,
      userId: owner,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'session-lookup-'));
    path = join(dir, 'app.db');
    dataSource = new DataSource(
      dataSourceOptions(loadConfig({ DATABASE_URL: `sqlite:${path}` }), [Session, User]),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    ({ id: userId } = await dataSource.getRepository(User).save({
      username: 'Looked',
      usernameKey: 'looked',
      email: 'looked@example.com',
      passwordHash: 'not-a-hash',
    }));
    sut = sessionLookup(dataSource);
    const { databaseConnection } = dataSource.driver as unknown as {
      databaseConnection: QueuedConnection;
    };
    queued = jest.spyOn(databaseConnection, 'get');
  });

  beforeEach(() => queued.mockClear());

  afterAll(async () => {
    sut.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a session and its user's columns as soon as the app's connection wrote them", async () => {
    await storeSession('with-user', userId);
    await storeSession('without-user', null);

    await expect(sut.find('with-user')).resolves.toMatchObject({
      userId,
      username: 'Looked',
      email: 'looked@example.com',
      emailVerifiedAt: null,
      lastSeenAt: 1_700_000_000_000,
    });
    await expect(sut.find('without-user')).resolves.toMatchObject({ userId: null, username: null });
    await expect(sut.find('nobody')).resolves.toBeUndefined();
  });

  it('reads without the thread pool on Node.js 24 and later, and through it on Node.js 22', async () => {
    await storeSession('direct', userId);

    await sut.find('direct');

    const stable = Number(process.versions.node.split('.')[0]) >= 24;
    expect(queued).toHaveBeenCalledTimes(stable ? 0 : 1);
  });

  it('leaves out the user of a disabled account, as the serializer expects', async () => {
    const { id: disabled } = await dataSource.getRepository(User).save({
      username: 'Disabled',
      usernameKey: 'disabled',
      email: 'disabled@example.com',
      passwordHash: 'not-a-hash',
      disabledAt: new Date(),
    });
    await storeSession('of-disabled', disabled);

    await expect(sut.find('of-disabled')).resolves.toMatchObject({ userId: null });
  });

  it('asks sqlite3 for a row it cannot read at once (a lock, say), and reads directly again after', async () => {
    await storeSession('behind-a-lock', userId);
    const lookup = sessionLookup(dataSource);
    const prepare = jest.spyOn(DatabaseSync.prototype, 'prepare').mockImplementationOnce(() => {
      throw Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR' });
    });

    try {
      await expect(lookup.find('behind-a-lock')).resolves.toMatchObject({ userId });
      const stable = Number(process.versions.node.split('.')[0]) >= 24;
      expect(queued).toHaveBeenCalledTimes(1);
      await expect(lookup.find('behind-a-lock')).resolves.toMatchObject({ userId });
      expect(queued).toHaveBeenCalledTimes(stable ? 1 : 2);
    } finally {
      prepare.mockRestore();
      lookup.close();
    }
  });
});
