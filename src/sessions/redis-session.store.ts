import { Logger } from '@nestjs/common';
import { SessionData } from 'express-session';
import type { SessionTimeoutConfig } from '../config/app-config';
import { RedisClient } from '../infra/redis/redis.module';
import { deviceIn, newHandle, ownerOf, rememberedUntilOf } from './session-device';
import { parseSession, StoredSession, UserSessionStoreBase } from './session-store';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * `session:<sid>`: the session's JSON, expiring SESSION_IDLE_MINUTES after its latest request
 * (a remembered session: at its fixed end).
 */
export const SESSION_PREFIX = 'session:';
/**
 * `user-sessions:<userId>`: a sorted set of the user's session ids, each scored with its latest
 * request (ms since the epoch). It may hold ids of sessions that have ended: they are dropped
 * when the set is read, and whole once it expires, when the longest-lived of them has.
 */
export const USER_SESSIONS_PREFIX = 'user-sessions:';

/** A dead member can stay in an index until then, whatever the clocks of the instances say. */
const CLOCK_SKEW_MS = 60 * 1000;

/** Lua: gives `key` at least `ttl` ms to live; never shortens it (sessions' lifetimes differ). */
const EXTEND = `
local function extend(key, ttl)
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
end
`;

/**
 * Writes a session and, for a signed-in one, files it in its user's index, in one step.
 * KEYS: the session, [the user's index]. ARGV: JSON, TTL (ms), 'XX' to write only over a
 * session that still exists, now (ms), the session id, and the score below which a member is
 * certainly dead.
 */
const SAVE = `${EXTEND}
local saved
if ARGV[3] == 'XX' then
  saved = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX')
else
  saved = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
if saved and #KEYS == 2 then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6])
  extend(KEYS[2], tonumber(ARGV[2]))
end
if saved then return 1 end
return 0
`;

/**
 * Sets a session's expiry and, for a signed-in one, records the request in its user's index;
 * nothing when the session no longer exists. KEYS: the session, [the user's index]. ARGV: TTL
 * (ms), now (ms), the session id.
 */
const TOUCH = `${EXTEND}
if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 1 and #KEYS == 2 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  extend(KEYS[2], tonumber(ARGV[1]))
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
  /** A member of an index scored earlier than this long ago is certainly dead. */
  private readonly longestMs: number;

  constructor(
    private readonly redis: RedisClient,
    timeouts: Pick<SessionTimeoutConfig, 'idleMs' | 'rememberMs'>,
  ) {
    super(timeouts.idleMs);
    this.longestMs = Math.max(timeouts.idleMs, timeouts.rememberMs);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.settle(callback, async () => {
      const key = SESSION_PREFIX + sid;
      const [json, ttl] = await this.redis.multi().get(key).pTTL(key).exec();
      if (typeof json !== 'string' || Number(ttl) <= 0) {
        return null;
      }
      const session = parseSession(json);
      if (!session) {
        this.logger.warn('A stored session could not be read; treating it as signed out');
        return null;
      }
      const expiresAt = Date.now() + Number(ttl);
      const userId = ownerOf(session);
      if (userId !== null && !deviceIn(session)) {
        await this.addDevice(sid, session, Number(ttl));
      }
      if (rememberedUntilOf(session) !== null && userId !== null) {
        // A remembered session's fixed expiry does not tell when its latest request was
        // recorded; its score in the index does (one more round trip, for these sessions only).
        const seenAt = await this.redis.zScore(USER_SESSIONS_PREFIX + String(userId), sid);
        this.remember(session, expiresAt, seenAt ?? 0);
      } else {
        this.remember(session, expiresAt);
      }
      return session;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.settle(callback, async () => {
      const now = Date.now();
      const expiresAt = this.expiryOf(session, now);
      await this.save(sid, session, ttlUntil(expiresAt, now), this.isStored(session), now);
      this.remember(session, expiresAt, now);
    });
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const now = Date.now();
    if (this.recentlyTouched(session, now)) {
      callback?.();
      return;
    }
    const expiresAt = this.expiryOf(session, now);
    this.settle(callback, async () => {
      const userId = ownerOf(session);
      await this.redis.eval(TOUCH, {
        keys: keysOf(sid, userId),
        arguments: [String(ttlUntil(expiresAt, now)), String(now), sid],
      });
      this.remember(session, expiresAt, now);
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
        const rememberedUntil = rememberedUntilOf(session);
        return device ? [{ sid, lastSeenAt, ...device, rememberedUntil }] : [];
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
      const session = typeof json === 'string' ? parseSession(json) : undefined;
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
        String(now - this.longestMs - CLOCK_SKEW_MS),
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

/** Redis refuses an expiry of 0 or less: a session already past its end gets a moment. */
function ttlUntil(expiresAt: number, now: number): number {
  return Math.max(1, expiresAt - now);
}
