import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource, Repository } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { Session } from './session.entity';
import { SESSION_IDLE_MS, TypeormSessionStore } from './typeorm-session.store';

/** A session as express-session stores it, with Passport's user id. */
const sessionFactory = (overrides: Record<string, unknown> = {}): SessionData =>
  ({
    cookie: { originalMaxAge: null, httpOnly: true, path: '/', sameSite: 'lax' },
    passport: { user: 1 },
    ...overrides,
  }) as SessionData;

describe(TypeormSessionStore.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let rows: Repository<Session>;
  let sut: TypeormSessionStore;
  let get: (sid: string) => Promise<SessionData | null | undefined>;
  let set: (sid: string, session: SessionData) => Promise<void>;
  let touch: (sid: string, session: SessionData) => Promise<void>;
  let destroy: (sid: string) => Promise<void>;
  let sid = 0;

  /** A fresh session id for each test, so that tests share the database but no rows. */
  const newSid = () => `sid-${++sid}`;
  const expiryOf = async (id: string) => (await rows.findOneByOrFail({ id })).expiresAt;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'session-store-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'test.db')}` });
    dataSource = new DataSource(dataSourceOptions(config));
    await dataSource.initialize();
    await dataSource.runMigrations();
    rows = dataSource.getRepository(Session);
    sut = new TypeormSessionStore(rows);
    get = promisify(sut.get.bind(sut));
    set = promisify(sut.set.bind(sut));
    touch = promisify(sut.touch.bind(sut));
    destroy = promisify(sut.destroy.bind(sut));
  });

  afterAll(async () => {
    sut.onModuleDestroy();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives back the session it stored, expiring an idle period from now', async () => {
    const id = newSid();
    const session = sessionFactory({ flash: [{ type: 'info', message: 'Hello' }] });
    const before = Date.now();

    await set(id, session);

    await expect(get(id)).resolves.toEqual(session);
    expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + SESSION_IDLE_MS);
  });

  it('replaces a session stored again under the same id', async () => {
    const id = newSid();
    await set(id, sessionFactory({ passport: { user: 1 } }));

    await set(id, sessionFactory({ passport: { user: 2 } }));

    await expect(get(id)).resolves.toMatchObject({ passport: { user: 2 } });
    await expect(rows.countBy({ id })).resolves.toBe(1);
  });

  it('gives null for an unknown id', async () => {
    await expect(get('no-such-session')).resolves.toBeNull();
  });

  it('gives null for an expired session', async () => {
    const id = newSid();
    await set(id, sessionFactory());
    await rows.update({ id }, { expiresAt: Date.now() - 1000 });

    await expect(get(id)).resolves.toBeNull();
  });

  it('gives null for a session whose data cannot be read, and says so in the log', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    const id = newSid();
    await set(id, sessionFactory());
    await rows.update({ id }, { data: '{"cookie":' });

    await expect(get(id)).resolves.toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('destroys a session', async () => {
    const id = newSid();
    await set(id, sessionFactory());

    await destroy(id);

    await expect(get(id)).resolves.toBeNull();
    await expect(rows.countBy({ id })).resolves.toBe(0);
  });

  it('leaves an expiry written less than a minute ago as it is', async () => {
    const id = newSid();
    await set(id, sessionFactory());
    const recent = Date.now() + SESSION_IDLE_MS - 5000;
    await rows.update({ id }, { expiresAt: recent });

    await touch(id, sessionFactory());

    expect(await expiryOf(id)).toBe(recent);
  });

  it('pushes an older expiry back to an idle period from now', async () => {
    const id = newSid();
    await set(id, sessionFactory());
    await rows.update({ id }, { expiresAt: Date.now() + 1000 });
    const before = Date.now();

    await touch(id, sessionFactory());

    expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + SESSION_IDLE_MS);
  });

  describe('for a session loaded by this request', () => {
    /** What express-session does with a cookie's session id: get, then createSession. */
    const load = async (id: string) =>
      sut.createSession({ sessionID: id } as Request, (await get(id)) as SessionData);

    it('skips the UPDATE when the loaded expiry is recent: it would change nothing', async () => {
      const id = newSid();
      await set(id, sessionFactory());
      const session = await load(id);
      const update = jest.spyOn(rows, 'update');

      await touch(id, session);

      expect(update).not.toHaveBeenCalled();
      update.mockRestore();
    });

    it('still pushes back an older loaded expiry', async () => {
      const id = newSid();
      await set(id, sessionFactory());
      await rows.update({ id }, { expiresAt: Date.now() + 1000 });
      const session = await load(id);
      const before = Date.now();

      await touch(id, session);

      expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + SESSION_IDLE_MS);
    });
  });

  it('prunes expired sessions only', async () => {
    const [expired, live] = [newSid(), newSid()];
    await set(expired, sessionFactory());
    await set(live, sessionFactory());
    await rows.update({ id: expired }, { expiresAt: Date.now() - 1000 });

    await expect(sut.prune()).resolves.toBeGreaterThanOrEqual(1);

    await expect(rows.countBy({ id: expired })).resolves.toBe(0);
    await expect(get(live)).resolves.not.toBeNull();
  });
});
