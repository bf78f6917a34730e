import { Logger } from '@nestjs/common';
import { SessionData } from 'express-session';
import { RedisClient } from '../infra/redis/redis.module';
import { deviceIn, newHandle, ownerOf } from './session-device';
import { StoredSession, UserSessionStoreBase } from './session-store';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/** `session:<sid>`: the session's JSON, expiring SESSION_IDLE_MINUTES after its latest request. */
export const SESSION_PREFIX = 'session:';
/**
 * `user-sessions:<userId>`: a sorted set of the user's session ids, each scored with its latest
 * request (ms since the epoch). It may hold ids of sessions that have ended: they are dropped
 * when the set is read, and whole once it expires.
 */
export const USER_SESSIONS_PREFIX = 'user-sessions:';

/** A dead member can stay in an index until then, whatever the clocks of the instances say. */
const CLOCK_SKEW_MS = 60 * 1000;

/**
 * Writes a session and, for a signed-in one, files it in its user's index, in one step.
 * KEYS: the session, [the user's index]. ARGV: JSON, TTL (ms), 'XX' to write only over a
 * session that still exists, now (ms), the session id, the index's TTL (ms), and the score
 * below which a member is certainly dead.
 */
const SAVE = `
local saved
if ARGV[3] == 'XX' then
  saved = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX')
else
  saved = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
if saved and #KEYS == 2 then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
if saved then return 1 end
return 0
`;

/**
 * Pushes a session's expiry back and, for a signed-in one, records the request in its user's
 * index; nothing when the session no longer exists. KEYS: the session, [the user's index].
 * ARGV: TTL (ms), now (ms), the session id.
 */
const TOUCH = `
if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 1 and #KEYS == 2 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return 0
`;

/**
 * express-session's store in Redis, with a per-user index of sessions.
 *
 * Not connect-redis's RedisStore: its set, touch and destroy are each one plain command, and the
 * index has to change in the same atomic step as the session (a Lua script here), so extending it
 * would mean replacing those three methods and depending on the rest of its internals, which
 * change between its major versions. This store also keeps the database store's two properties:
 * an unchanged session's expiry is pushed back at most once a minute (not on every request),
 * and a session that a request loaded is only ever overwritten, never created again, so that a
 * session ended elsewhere meanwhile stays ended. Its keys and JSON are connect-redis's
 * (`session:<sid>`), so sessions written by it carry on.
 */
export class RedisSessionStore extends UserSessionStoreBase {
  private readonly logger = new Logger(RedisSessionStore.name);

  constructor(
    private readonly redis: RedisClient,
    idleMs: number,
  ) {
    super(idleMs);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.settle(callback, async () => {
      const key = SESSION_PREFIX + sid;
      const [json, ttl] = await this.redis.multi().get(key).pTTL(key).exec();
      if (typeof json !== 'string' || Number(ttl) <= 0) {
        return null;
      }
      const session = parse(json);
      if (!session) {
        this.logger.warn('A stored session could not be read; treating it as signed out');
        return null;
      }
      const expiresAt = Date.now() + Number(ttl);
      if (ownerOf(session) !== null && !deviceIn(session)) {
        await this.addDevice(sid, session, Number(ttl));
      }
      this.remember(session, expiresAt);
      return session;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.settle(callback, async () => {
      const now = Date.now();
      await this.save(sid, session, this.idleMs, this.isStored(session), now);
      this.remember(session, now + this.idleMs);
    });
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const now = Date.now();
    const expiresAt = now + this.idleMs;
    if (this.recentlyTouched(session, expiresAt)) {
      callback?.();
      return;
    }
    this.settle(callback, async () => {
      const userId = ownerOf(session);
      await this.redis.eval(TOUCH, {
        keys: keysOf(sid, userId),
        arguments: [String(this.idleMs), String(now), sid],
      });
      this.remember(session, expiresAt);
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    // The id stays in its user's index until the index is next read.
    this.settle(callback, async () => {
      await this.redis.del(SESSION_PREFIX + sid);
    });
  }

  async listSessions(userId: number): Promise<StoredSession[]> {
    const sessions = await this.sessionsOf(userId);
    return sessions
      .flatMap(({ sid, session, lastSeenAt }) => {
        const device = deviceIn(session);
        return device ? [{ sid, lastSeenAt, ...device }] : [];
      })
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt || b.createdAt - a.createdAt);
  }

  async endSession(userId: number, handle: string): Promise<boolean> {
    const sessions = await this.sessionsOf(userId);
    const match = sessions.find(({ session }) => deviceIn(session)?.handle === handle);
    return match ? (await this.end(userId, [match.sid])) > 0 : false;
  }

  async endSessions(userId: number, keepSid?: string): Promise<number> {
    const sessions = await this.sessionsOf(userId);
    return this.end(
      userId,
      sessions.map(({ sid }) => sid).filter((sid) => sid !== keepSid),
    );
  }

  /**
   * The user's live sessions, read through the index; the index forgets the ids whose session
   * has ended, or is no longer this user's.
   */
  private async sessionsOf(
    userId: number,
  ): Promise<{ sid: string; session: SessionData; lastSeenAt: number }[]> {
    const index = USER_SESSIONS_PREFIX + String(userId);
    const members = await this.redis.zRangeWithScores(index, 0, -1);
    if (members.length === 0) {
      return [];
    }
    const values = await this.redis.mGet(members.map(({ value }) => SESSION_PREFIX + value));
    const live = [];
    const dead = [];
    for (const [i, { value: sid, score }] of members.entries()) {
      const json = values[i];
      const session = typeof json === 'string' ? parse(json) : undefined;
      if (session && ownerOf(session) === userId) {
        live.push({ sid, session, lastSeenAt: score });
      } else {
        dead.push(sid);
      }
    }
    if (dead.length > 0) {
      await this.redis.zRem(index, dead);
    }
    return live;
  }

  /** Deletes these sessions of the user; returns how many still existed. */
  private async end(userId: number, sids: string[]): Promise<number> {
    if (sids.length === 0) {
      return 0;
    }
    const [ended] = await this.redis
      .multi()
      .del(sids.map((sid) => SESSION_PREFIX + sid))
      .zRem(USER_SESSIONS_PREFIX + String(userId), sids)
      .exec();
    return Number(ended);
  }

  private async save(
    sid: string,
    session: SessionData,
    ttlMs: number,
    onlyIfExists: boolean,
    now: number,
  ): Promise<void> {
    await this.redis.eval(SAVE, {
      keys: keysOf(sid, ownerOf(session)),
      arguments: [
        JSON.stringify(session),
        String(ttlMs),
        onlyIfExists ? 'XX' : '',
        String(now),
        sid,
        String(this.idleMs),
        String(now - this.idleMs - CLOCK_SKEW_MS),
      ],
    });
  }

  /**
   * A signed-in session written before sessions had a device record (by connect-redis, before
   * this store) gets one now, with a new handle and this request as its start, and joins its
   * user's index: so that it can be listed and ended like the others.
   */
  private async addDevice(sid: string, session: SessionData, ttlMs: number): Promise<void> {
    const now = Date.now();
    session.device = { handle: newHandle(), createdAt: now, ip: null, userAgent: null };
    await this.save(sid, session, ttlMs, true, now);
  }
}

function keysOf(sid: string, userId: number | null): string[] {
  const key = SESSION_PREFIX + sid;
  return userId === null ? [key] : [key, USER_SESSIONS_PREFIX + String(userId)];
}

function parse(json: string): SessionData | undefined {
  try {
    const session = JSON.parse(json) as unknown;
    return typeof session === 'object' && session !== null ? (session as SessionData) : undefined;
  } catch {
    return undefined;
  }
}
