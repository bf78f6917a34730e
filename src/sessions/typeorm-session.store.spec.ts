import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource, Repository } from 'typeorm';
import { AppConfig, loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../infra/database/data-source-options';
import { AuditLog } from '../observability/audit-log';
import { newHandle, SessionDevice } from './session-device';
import { Session } from './session.entity';
import { TypeormSessionStore } from './typeorm-session.store';
import { userLoadedWithSession } from './session-store';
import { User } from '../users/user.entity';

const MINUTE = 60 * 1000;

/** A session as express-session stores it, with Passport's user id. */
const sessionFactory = (overrides: Partial<SessionData> = {}): SessionData => ({
  cookie: { originalMaxAge: null, httpOnly: true, path: '/', sameSite: 'lax' },
  passport: { user: 1 },
  ...overrides,
});

describe(TypeormSessionStore.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let rows: Repository<Session>;
  let config: AppConfig;
  let idleMs: number;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
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
    config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'test.db')}`,
      SESSION_IDLE_MINUTES: '60',
    });
    idleMs = config.sessionTimeouts.idleMs;
    dataSource = new DataSource(dataSourceOptions(config, [Session, User]));
    await dataSource.initialize();
    await dataSource.runMigrations();
    rows = dataSource.getRepository(Session);
    audit = { record: jest.fn() };
    sut = new TypeormSessionStore(rows, config, audit as unknown as AuditLog);
    get = promisify(sut.get.bind(sut));
    set = promisify(sut.set.bind(sut));
    touch = promisify(sut.touch.bind(sut));
    destroy = promisify(sut.destroy.bind(sut));
  });

  beforeEach(() => {
    audit.record.mockClear();
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads the session's user in the same query, for that request only", async () => {
    const { id: userId } = await dataSource.getRepository(User).save({
      username: 'Loaded',
      usernameKey: 'loaded',
      email: 'loaded@example.com',
      passwordHash: 'not-a-hash',
    });
    const withUser = newSid();
    const withoutUser = newSid();
    await set(withUser, sessionFactory({ passport: { user: userId } }));
    await set(withoutUser, sessionFactory({ passport: {} }));
    const req = { sessionID: withUser } as Request;
    const other = { sessionID: withoutUser } as Request;

    sut.createSession(req, (await get(withUser)) as SessionData);
    sut.createSession(other, (await get(withoutUser)) as SessionData);

    expect(userLoadedWithSession(req)).toEqual({
      id: userId,
      username: 'Loaded',
      email: 'loaded@example.com',
      emailVerified: false,
    });
    expect(userLoadedWithSession(other)).toBeUndefined();
    expect(userLoadedWithSession({} as Request)).toBeUndefined();

    await dataSource.getRepository(User).update({ id: userId }, { emailVerifiedAt: new Date() });
    const later = { sessionID: withUser } as Request;
    sut.createSession(later, (await get(withUser)) as SessionData);
    expect(userLoadedWithSession(later)).toMatchObject({ id: userId, emailVerified: true });
  });

  it('gives back the session it stored, expiring an idle period from now', async () => {
    const id = newSid();
    const session = sessionFactory({ passport: { user: 7 }, signedInAt: 1_700_000_000_000 });
    const before = Date.now();

    await set(id, session);

    await expect(get(id)).resolves.toEqual(session);
    expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + idleMs);
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

  it('gives null for an expired session and deletes it', async () => {
    const id = newSid();
    await set(id, sessionFactory());
    await rows.update({ id }, { expiresAt: Date.now() - 1000 });

    await expect(get(id)).resolves.toBeNull();
    await expect(rows.countBy({ id })).resolves.toBe(0);
  });

  it('records session_expired for the signed-in user of an expired session', async () => {
    const id = newSid();
    await set(id, sessionFactory({ passport: { user: 7 } }));
    await rows.update({ id }, { expiresAt: Date.now() - 1000 });

    await get(id);

    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith('session_expired', { userId: 7, reason: 'idle' });
  });

  it.each([
    ['an anonymous session', sessionFactory({ passport: undefined })],
    ['a session whose user id is not a number', sessionFactory({ passport: { user: '7' } })],
  ])('records nothing when %s expires', async (_name, session) => {
    const id = newSid();
    await set(id, session);
    await rows.update({ id }, { expiresAt: Date.now() - 1000 });

    await expect(get(id)).resolves.toBeNull();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('records nothing for a live session or an unknown id', async () => {
    const id = newSid();
    await set(id, sessionFactory());

    await get(id);
    await get('no-such-session');

    expect(audit.record).not.toHaveBeenCalled();
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
    const recent = Date.now() + idleMs - 5000;
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

    expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + idleMs);
  });

  describe('with an idle timeout shorter than four minutes', () => {
    // With SESSION_IDLE_MINUTES=1 the expiry is pushed back every quarter of it (15 s), not
    // every minute, which would let the session lapse between touches.
    let short: TypeormSessionStore;
    let touchShort: (sid: string, session: SessionData) => Promise<void>;

    beforeAll(() => {
      const shortConfig = loadConfig({
        DATABASE_URL: `sqlite:${join(config.dataDir, 'sessions.db')}`,
        SESSION_IDLE_MINUTES: '1',
      });
      short = new TypeormSessionStore(rows, shortConfig, audit as unknown as AuditLog);
      touchShort = promisify(short.touch.bind(short));
    });

    it('leaves an expiry written less than a quarter of the idle time ago', async () => {
      const id = newSid();
      await set(id, sessionFactory());
      const recent = Date.now() + MINUTE - 5000;
      await rows.update({ id }, { expiresAt: recent });

      await touchShort(id, sessionFactory());

      expect(await expiryOf(id)).toBe(recent);
    });

    it('pushes back an expiry written more than a quarter of the idle time ago', async () => {
      const id = newSid();
      await set(id, sessionFactory());
      await rows.update({ id }, { expiresAt: Date.now() + MINUTE - 20_000 });
      const before = Date.now();

      await touchShort(id, sessionFactory());

      expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + MINUTE);
    });
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

      expect(await expiryOf(id)).toBeGreaterThanOrEqual(before + idleMs);
    });
  });

  describe('a remembered session', () => {
    const DAY = 24 * 60 * MINUTE;
    const load = async (id: string) =>
      sut.createSession({ sessionID: id } as Request, (await get(id)) as SessionData);
    const remembered = (rememberedUntil = Date.now() + 30 * DAY) =>
      sessionFactory({ signedInAt: Date.now(), rememberedUntil });

    it('expires at its own end, not an idle period from now', async () => {
      const id = newSid();
      const session = remembered();

      await set(id, session);

      expect(await expiryOf(id)).toBe(session.rememberedUntil);
    });

    it('keeps its expiry when a request is recorded, and records the request', async () => {
      const id = newSid();
      const session = remembered();
      await set(id, session);
      await rows.update({ id }, { lastSeenAt: Date.now() - 2 * idleMs });
      const loaded = await load(id);
      const before = Date.now();

      await touch(id, loaded);

      const row = await rows.findOneByOrFail({ id });
      expect(row.expiresAt).toBe(session.rememberedUntil);
      expect(row.lastSeenAt).toBeGreaterThanOrEqual(before);
    });

    it('records a request at most once a minute', async () => {
      const id = newSid();
      await set(id, remembered());
      const recent = Date.now() - 5000;
      await rows.update({ id }, { lastSeenAt: recent });
      const loaded = await load(id);
      const update = jest.spyOn(rows, 'update');

      await touch(id, loaded);
      await touch(id, remembered());

      expect(update).toHaveBeenCalledTimes(1);
      expect((await rows.findOneByOrFail({ id })).lastSeenAt).toBe(recent);
      update.mockRestore();
    });

    it('is over at its end, whatever its activity, and says so in the audit log', async () => {
      const id = newSid();
      await set(id, remembered(Date.now() + 60_000));
      await rows.update({ id }, { expiresAt: Date.now() - 1 });

      await expect(get(id)).resolves.toBeNull();

      await expect(rows.countBy({ id })).resolves.toBe(0);
      expect(audit.record).toHaveBeenCalledWith('session_expired', {
        userId: 1,
        reason: 'remember_days',
      });
    });

    it('is listed with its end', async () => {
      const userId = 4242;
      const id = newSid();
      const session = { ...remembered(), passport: { user: userId } };
      await set(id, session);

      await expect(sut.listSessions(userId)).resolves.toEqual([
        expect.objectContaining({ sid: id, rememberedUntil: session.rememberedUntil }),
      ]);
    });
  });

  describe('the columns beside the data', () => {
    const rowOf = (id: string) => rows.findOneByOrFail({ id });
    const device = (overrides: Partial<SessionDevice> = {}): SessionDevice => ({
      handle: newHandle(),
      createdAt: 1_700_000_000_000,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      ...overrides,
    });

    it('holds the user, the device and the handle of a signed-in session', async () => {
      const id = newSid();
      const signedIn = device();
      const before = Date.now();

      await set(id, sessionFactory({ passport: { user: 7 }, device: signedIn }));

      const row = await rowOf(id);
      expect(row).toMatchObject({
        userId: 7,
        handle: signedIn.handle,
        createdAt: signedIn.createdAt,
        ip: signedIn.ip,
        userAgent: signedIn.userAgent,
      });
      expect(row.lastSeenAt).toBeGreaterThanOrEqual(before);
      expect(row.lastSeenAt).toBeLessThanOrEqual(Date.now());
    });

    it('gives a session without a device a random handle, kept when it is stored again', async () => {
      const id = newSid();
      const before = Date.now();
      await set(id, sessionFactory({ passport: undefined }));
      const first = await rowOf(id);

      await set(id, sessionFactory({ passport: undefined, signedInAt: 1 }));

      const second = await rowOf(id);
      expect(first.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(first).toMatchObject({ userId: null, ip: null, userAgent: null });
      expect(first.createdAt).toBeGreaterThanOrEqual(before);
      expect(second.handle).toBe(first.handle);
      expect(second.createdAt).toBe(first.createdAt);
    });

    it('takes the handle of the device record once the session has one', async () => {
      const id = newSid();
      await set(id, sessionFactory({ passport: { user: 7 } }));
      const signedIn = device();

      await set(id, sessionFactory({ passport: { user: 7 }, device: signedIn }));

      expect(await rowOf(id)).toMatchObject({
        handle: signedIn.handle,
        createdAt: signedIn.createdAt,
      });
    });

    it('cuts a user agent longer than 512 characters', async () => {
      const id = newSid();

      await set(id, sessionFactory({ device: device({ userAgent: 'A'.repeat(2000) }) }));

      expect((await rowOf(id)).userAgent).toBe('A'.repeat(512));
    });

    it('leaves the user empty when the session has none, or one that is not a safe integer', async () => {
      const [anonymous, malformed] = [newSid(), newSid()];

      await set(anonymous, sessionFactory({ passport: undefined }));
      await set(malformed, sessionFactory({ passport: { user: '7' } }));

      expect((await rowOf(anonymous)).userId).toBeNull();
      expect((await rowOf(malformed)).userId).toBeNull();
    });

    it('moves the latest request with the expiry, and only then', async () => {
      const id = newSid();
      await set(id, sessionFactory());
      await rows.update({ id }, { expiresAt: Date.now() + idleMs - 5000, lastSeenAt: 1 });
      await touch(id, sessionFactory());
      expect((await rowOf(id)).lastSeenAt).toBe(1);

      await rows.update({ id }, { expiresAt: Date.now() + 1000 });
      const before = Date.now();
      await touch(id, sessionFactory());

      expect((await rowOf(id)).lastSeenAt).toBeGreaterThanOrEqual(before);
    });
  });

  describe('a session ended while a request still holds it', () => {
    const load = async (id: string) =>
      sut.createSession({ sessionID: id } as Request, (await get(id)) as SessionData);

    it('is not brought back when that request saves it', async () => {
      const id = newSid();
      await set(id, sessionFactory());
      const session = await load(id);
      await rows.delete({ id });

      session.signedInAt = Date.now();
      await set(id, session);

      await expect(rows.countBy({ id })).resolves.toBe(0);
    });

    it('is not brought back when the request that created it saves it again', async () => {
      // As at sign-in: Passport saves the new session, then the request adds to it.
      const id = newSid();
      const session = sessionFactory();
      await set(id, session);
      await rows.delete({ id });

      session.signedInAt = Date.now();
      await set(id, session);

      await expect(rows.countBy({ id })).resolves.toBe(0);
    });
  });

  describe("a user's sessions", () => {
    let user = 1000;
    /** A new user with `count` live sessions (one each from a different device), oldest first. */
    const userWithSessions = async (count: number) => {
      const userId = ++user;
      const sessions = [];
      for (let i = 0; i < count; i++) {
        const id = newSid();
        const device: SessionDevice = {
          handle: newHandle(),
          createdAt: Date.now() - 10_000 + i,
          ip: `198.51.100.${i}`,
          userAgent: `Agent ${i}`,
        };
        await set(id, sessionFactory({ passport: { user: userId }, device }));
        await rows.update({ id }, { lastSeenAt: Date.now() - 10_000 + i * 1000 });
        sessions.push({ id, ...device });
      }
      return { userId, sessions };
    };

    it('lists the live sessions of the user, most recently seen first', async () => {
      const { userId, sessions } = await userWithSessions(3);
      const other = await userWithSessions(1);
      await rows.update({ id: sessions[0].id }, { expiresAt: Date.now() - 1 });

      const listed = await sut.listSessions(userId);

      expect(listed).toEqual(
        [sessions[2], sessions[1]].map(({ id, handle, createdAt, ip, userAgent }) => ({
          sid: id,
          handle,
          createdAt,
          lastSeenAt: expect.any(Number),
          ip,
          userAgent,
          rememberedUntil: null,
        })),
      );
      expect(listed.map(({ sid }) => sid)).not.toContain(other.sessions[0].id);
    });

    it('lists nothing for a user without sessions', async () => {
      await expect(sut.listSessions(999_999)).resolves.toEqual([]);
    });

    it('ends one session by its handle, and only for its own user', async () => {
      const { userId, sessions } = await userWithSessions(2);
      const other = await userWithSessions(1);

      await expect(sut.endSession(other.userId, sessions[0].handle)).resolves.toBe(false);
      await expect(sut.endSession(userId, sessions[0].handle)).resolves.toBe(true);
      await expect(sut.endSession(userId, sessions[0].handle)).resolves.toBe(false);

      await expect(get(sessions[0].id)).resolves.toBeNull();
      await expect(get(sessions[1].id)).resolves.not.toBeNull();
      await expect(get(other.sessions[0].id)).resolves.not.toBeNull();
    });

    it('does not count an expired session as ended', async () => {
      const { userId, sessions } = await userWithSessions(1);
      await rows.update({ id: sessions[0].id }, { expiresAt: Date.now() - 1 });

      await expect(sut.endSession(userId, sessions[0].handle)).resolves.toBe(false);
    });

    it('ends all the sessions of the user but one', async () => {
      const { userId, sessions } = await userWithSessions(3);
      const other = await userWithSessions(1);

      await expect(sut.endSessions(userId, sessions[1].id)).resolves.toBe(2);

      await expect(rows.countBy({ userId })).resolves.toBe(1);
      await expect(get(sessions[1].id)).resolves.not.toBeNull();
      await expect(get(other.sessions[0].id)).resolves.not.toBeNull();
    });

    it('ends all the sessions of the user', async () => {
      const { userId } = await userWithSessions(3);
      const other = await userWithSessions(1);

      await expect(sut.endSessions(userId)).resolves.toBe(3);
      await expect(sut.endSessions(userId)).resolves.toBe(0);

      await expect(sut.listSessions(userId)).resolves.toEqual([]);
      await expect(sut.listSessions(other.userId)).resolves.toHaveLength(1);
    });
  });
});
