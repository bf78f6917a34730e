import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { RedisClient } from '../../src/infra/redis/redis.module';
import {
  RedisSessionStore,
  SESSION_PREFIX,
  USER_SESSIONS_PREFIX,
} from '../../src/sessions/redis-session.store';
import { newHandle, SessionDevice } from '../../src/sessions/session-device';
import { emptyRedisDatabase, flushRedis } from './test-redis';

const IDLE_MS = 60 * 60 * 1000;
const REMEMBER_MS = 30 * 24 * 60 * 60 * 1000;

describe(RedisSessionStore.name, () => {
  let url: string;
  let redis: RedisClient;
  let sut: RedisSessionStore;
  let get: (sid: string) => Promise<SessionData | null | undefined>;
  let set: (sid: string, session: SessionData) => Promise<void>;
  let touch: (sid: string, session: SessionData) => Promise<void>;
  let destroy: (sid: string) => Promise<void>;
  let sequence = 0;

  const newSid = () => `sid-${++sequence}-${Date.now()}`;
  const newUser = () => 1000 + ++sequence;
  const device = (overrides: Partial<SessionDevice> = {}): SessionDevice => ({
    handle: newHandle(),
    createdAt: Date.now(),
    ip: '203.0.113.7',
    userAgent: `Browser ${sequence}`,
    ...overrides,
  });
  /** A session as express-session stores it: signed in as `userId`, from `from`. */
  const sessionOf = (userId?: number, from?: SessionDevice): SessionData => ({
    cookie: { originalMaxAge: null, httpOnly: true, path: '/', sameSite: 'lax' },
    ...(userId === undefined ? {} : { passport: { user: userId } }),
    ...(from ? { device: from } : {}),
  });
  /** What express-session does with a cookie's session id: get, then createSession. */
  const load = async (sid: string) =>
    sut.createSession({ sessionID: sid } as Request, (await get(sid)) as SessionData);
  const indexOf = (userId: number) => USER_SESSIONS_PREFIX + String(userId);
  /** A user with `count` sessions, each from its own device, stored one after the other. */
  const userWithSessions = async (count: number) => {
    const userId = newUser();
    const sessions = [];
    for (let i = 0; i < count; i++) {
      const sid = newSid();
      const from = device({ createdAt: Date.now() - 1000 + i });
      await set(sid, sessionOf(userId, from));
      sessions.push({ sid, ...from });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { userId, sessions };
  };

  beforeAll(async () => {
    url = await emptyRedisDatabase();
    redis = createClient({ url });
    await redis.connect();
    sut = new RedisSessionStore(redis, { idleMs: IDLE_MS, rememberMs: REMEMBER_MS });
    get = promisify(sut.get.bind(sut));
    set = promisify(sut.set.bind(sut));
    touch = promisify(sut.touch.bind(sut));
    destroy = promisify(sut.destroy.bind(sut));
  });

  afterAll(async () => {
    await redis?.close();
    await flushRedis(url);
  });

  describe('as express-session’s store', () => {
    it('keeps the JSON under session:<sid>, expiring an idle period from now', async () => {
      const sid = newSid();
      const session = sessionOf(newUser(), device());

      await set(sid, session);

      await expect(get(sid)).resolves.toEqual(session);
      expect(JSON.parse((await redis.get(SESSION_PREFIX + sid)) as string)).toEqual(session);
      expect(await redis.pTTL(SESSION_PREFIX + sid)).toBeGreaterThan(IDLE_MS - 5000);
    });

    it('gives null for an unknown id and for a session that cannot be read', async () => {
      const sid = newSid();
      await redis.set(SESSION_PREFIX + sid, '{"cookie":', {
        expiration: { type: 'PX', value: IDLE_MS },
      });

      await expect(get('no-such-session')).resolves.toBeNull();
      await expect(get(sid)).resolves.toBeNull();
    });

    it('destroys a session', async () => {
      const sid = newSid();
      await set(sid, sessionOf(newUser(), device()));

      await destroy(sid);

      await expect(get(sid)).resolves.toBeNull();
    });

    it('does not bring back a session ended while a request held it', async () => {
      const sid = newSid();
      await set(sid, sessionOf(newUser(), device()));
      const session = await load(sid);
      await redis.del(SESSION_PREFIX + sid);

      session.signedInAt = Date.now();
      await set(sid, session);
      await touch(sid, session);

      expect(await redis.exists(SESSION_PREFIX + sid)).toBe(0);
    });

    it('skips the touch of a session whose expiry was pushed back less than a minute ago', async () => {
      const sid = newSid();
      const userId = newUser();
      await set(sid, sessionOf(userId, device()));
      const session = await load(sid);
      await redis.zAdd(indexOf(userId), { score: 1, value: sid });

      await touch(sid, session);

      expect(await redis.zScore(indexOf(userId), sid)).toBe(1);
    });

    it('pushes back an older expiry, and records the request as the latest', async () => {
      const sid = newSid();
      const userId = newUser();
      await set(sid, sessionOf(userId, device()));
      await redis.pExpire(SESSION_PREFIX + sid, 10_000);
      await redis.zAdd(indexOf(userId), { score: 1, value: sid });
      const session = await load(sid);
      const before = Date.now();

      await touch(sid, session);

      expect(await redis.pTTL(SESSION_PREFIX + sid)).toBeGreaterThan(IDLE_MS - 5000);
      expect(await redis.zScore(indexOf(userId), sid)).toBeGreaterThanOrEqual(before);
    });
  });

  describe('the per-user index', () => {
    it('files a signed-in session under its user, with its latest request as score', async () => {
      const sid = newSid();
      const userId = newUser();
      const before = Date.now();

      await set(sid, sessionOf(userId, device()));

      const [member] = await redis.zRangeWithScores(indexOf(userId), 0, -1);
      expect(member.value).toBe(sid);
      expect(member.score).toBeGreaterThanOrEqual(before);
      expect(await redis.pTTL(indexOf(userId))).toBeGreaterThanOrEqual(
        await redis.pTTL(SESSION_PREFIX + sid),
      );
    });

    it('files nothing for a session without a user', async () => {
      const indexes = async () => (await redis.keys(`${USER_SESSIONS_PREFIX}*`)).sort();
      const before = await indexes();

      await set(newSid(), sessionOf(undefined, device()));

      expect(await indexes()).toEqual(before);
    });

    it('lives at least as long as the longest-lived of its sessions', async () => {
      const userId = newUser();
      const [first, second] = [newSid(), newSid()];
      await set(first, sessionOf(userId, device()));
      await redis.pExpire(indexOf(userId), 1000);

      await set(second, sessionOf(userId, device()));

      expect(await redis.pTTL(indexOf(userId))).toBeGreaterThan(IDLE_MS - 5000);
    });

    it('forgets ended sessions when it is read', async () => {
      const { userId, sessions } = await userWithSessions(3);
      await destroy(sessions[0].sid);
      await redis.del(SESSION_PREFIX + sessions[1].sid);

      const listed = await sut.listSessions(userId);

      expect(listed.map(({ sid }) => sid)).toEqual([sessions[2].sid]);
      expect(await redis.zRange(indexOf(userId), 0, -1)).toEqual([sessions[2].sid]);
    });

    it('drops, when it files a session, members older than the longest lifetime', async () => {
      // REMEMBER_DAYS: a remembered session may live that long without a request.
      const userId = newUser();
      const longAgo = Date.now() - REMEMBER_MS - IDLE_MS;
      await redis.zAdd(indexOf(userId), { score: longAgo, value: 'long-gone' });

      await set(newSid(), sessionOf(userId, device()));

      expect(await redis.zRange(indexOf(userId), 0, -1)).not.toContain('long-gone');
    });

    it('gives a signed-in session from before device records one, and files it', async () => {
      // As connect-redis wrote it: the JSON with Passport's user, and a TTL.
      const sid = newSid();
      const userId = newUser();
      await redis.set(SESSION_PREFIX + sid, JSON.stringify(sessionOf(userId)), {
        expiration: { type: 'PX', value: 30_000 },
      });

      const session = (await get(sid)) as SessionData;

      expect(session.device).toEqual({
        handle: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        createdAt: expect.any(Number),
        ip: null,
        userAgent: null,
      });
      expect(JSON.parse((await redis.get(SESSION_PREFIX + sid)) as string)).toEqual(session);
      expect(await redis.pTTL(SESSION_PREFIX + sid)).toBeLessThanOrEqual(30_000);
      await expect(sut.listSessions(userId)).resolves.toEqual([
        expect.objectContaining({ sid, handle: session.device?.handle }),
      ]);
    });
  });

  describe('a remembered session', () => {
    const remembered = (userId: number, rememberedUntil = Date.now() + REMEMBER_MS) => ({
      ...sessionOf(userId, device()),
      signedInAt: Date.now(),
      rememberedUntil,
    });

    it('expires at its own end, and its index lives as long', async () => {
      const sid = newSid();
      const userId = newUser();
      const session = remembered(userId, Date.now() + 10 * IDLE_MS);

      await set(sid, session);
      await set(newSid(), sessionOf(userId, device()));

      const indexTtl = await redis.pTTL(indexOf(userId));
      const ttl = await redis.pTTL(SESSION_PREFIX + sid);
      expect(ttl).toBeGreaterThan(10 * IDLE_MS - 5000);
      expect(ttl).toBeLessThanOrEqual(10 * IDLE_MS);
      expect(indexTtl).toBeGreaterThanOrEqual(ttl);
    });

    it('keeps its end when a request is recorded, and records the request', async () => {
      const sid = newSid();
      const userId = newUser();
      await set(sid, remembered(userId, Date.now() + 10 * IDLE_MS));
      await redis.zAdd(indexOf(userId), { score: Date.now() - 2 * IDLE_MS, value: sid });
      const session = await load(sid);
      const before = Date.now();

      await touch(sid, session);

      expect(await redis.pTTL(SESSION_PREFIX + sid)).toBeGreaterThan(10 * IDLE_MS - 5000);
      expect(await redis.zScore(indexOf(userId), sid)).toBeGreaterThanOrEqual(before);
    });

    it('records a request at most once a minute', async () => {
      const sid = newSid();
      const userId = newUser();
      await set(sid, remembered(userId));
      const recent = Date.now() - 5000;
      await redis.zAdd(indexOf(userId), { score: recent, value: sid });
      const session = await load(sid);

      await touch(sid, session);

      expect(await redis.zScore(indexOf(userId), sid)).toBe(recent);
    });

    it('stays in the index, and listed, long after an idle period without a request', async () => {
      const sid = newSid();
      const userId = newUser();
      const session = remembered(userId);
      await set(sid, session);
      await redis.zAdd(indexOf(userId), { score: Date.now() - 3 * IDLE_MS, value: sid });

      await set(newSid(), sessionOf(userId, device()));

      expect(await redis.zRange(indexOf(userId), 0, -1)).toContain(sid);
      expect(await sut.listSessions(userId)).toContainEqual(
        expect.objectContaining({ sid, rememberedUntil: session.rememberedUntil }),
      );
    });
  });

  describe('a user’s sessions', () => {
    it('lists the live sessions of the user, most recently seen first', async () => {
      const { userId, sessions } = await userWithSessions(3);
      const other = await userWithSessions(1);

      const listed = await sut.listSessions(userId);

      expect(listed).toEqual(
        [...sessions].reverse().map(({ sid, handle, createdAt, ip, userAgent }) => ({
          sid,
          handle,
          createdAt,
          lastSeenAt: expect.any(Number),
          ip,
          userAgent,
          rememberedUntil: null,
        })),
      );
      expect(listed.map(({ sid }) => sid)).not.toContain(other.sessions[0].sid);
      await expect(sut.listSessions(newUser())).resolves.toEqual([]);
    });

    it('ends one session by its handle, and only for its own user', async () => {
      const { userId, sessions } = await userWithSessions(2);
      const other = await userWithSessions(1);

      await expect(sut.endSession(other.userId, sessions[0].handle)).resolves.toBe(false);
      await expect(sut.endSession(userId, sessions[0].handle)).resolves.toBe(true);
      await expect(sut.endSession(userId, sessions[0].handle)).resolves.toBe(false);

      await expect(get(sessions[0].sid)).resolves.toBeNull();
      await expect(get(sessions[1].sid)).resolves.not.toBeNull();
      await expect(get(other.sessions[0].sid)).resolves.not.toBeNull();
      expect(await redis.zRange(indexOf(userId), 0, -1)).toEqual([sessions[1].sid]);
    });

    it('ends all the sessions of the user but one', async () => {
      const { userId, sessions } = await userWithSessions(3);
      const other = await userWithSessions(1);

      await expect(sut.endSessions(userId, sessions[1].sid)).resolves.toBe(2);

      expect(
        await Promise.all(sessions.map(({ sid }) => redis.exists(SESSION_PREFIX + sid))),
      ).toEqual([0, 1, 0]);
      expect(await redis.zRange(indexOf(userId), 0, -1)).toEqual([sessions[1].sid]);
      await expect(get(other.sessions[0].sid)).resolves.not.toBeNull();
    });

    it('ends all the sessions of the user', async () => {
      const { userId, sessions } = await userWithSessions(3);
      const other = await userWithSessions(1);

      await expect(sut.endSessions(userId)).resolves.toBe(3);
      await expect(sut.endSessions(userId)).resolves.toBe(0);

      for (const { sid } of sessions) {
        await expect(get(sid)).resolves.toBeNull();
      }
      await expect(sut.listSessions(userId)).resolves.toEqual([]);
      await expect(sut.listSessions(other.userId)).resolves.toHaveLength(1);
    });

    it('does not end a session that is no longer the user’s, though still in the index', async () => {
      const userId = newUser();
      const sid = newSid();
      await set(sid, sessionOf(newUser(), device()));
      await redis.zAdd(indexOf(userId), { score: Date.now(), value: sid });

      await expect(sut.endSessions(userId)).resolves.toBe(0);

      await expect(get(sid)).resolves.not.toBeNull();
      expect(await redis.zRange(indexOf(userId), 0, -1)).toEqual([]);
    });
  });
});
