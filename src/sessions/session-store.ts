import type { Request } from 'express';
import { Session as ExpressSession, SessionData, Store } from 'express-session';
import { rememberedUntilOf } from './session-device';

/** The express-session store: inject with `@Inject(SESSION_STORE)` or `app.get(SESSION_STORE)`. */
export const SESSION_STORE = Symbol('SESSION_STORE');

/** One live session of a user, as a store keeps it. Its id must never reach a page. */
export interface StoredSession {
  sid: string;
  handle: string;
  /** ms since the epoch */
  createdAt: number;
  /** ms since the epoch, to the minute (a store writes it at most once a minute) */
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
  /** When a remembered session ends (ms since the epoch); null for a browser session. */
  rememberedUntil: number | null;
}

/**
 * What both session stores (the database's and Redis's) offer beside express-session's Store:
 * the sessions of one user. The store is where a session lives, so deleting it there ends it at
 * once for every instance of the app: the cookie finds nothing on its next request.
 */
export interface UserSessionStore {
  /** The user's live sessions that have a handle, most recently seen first. */
  listSessions(userId: number): Promise<StoredSession[]>;
  /** Ends the user's session with this handle; false when the user has no such live session. */
  endSession(userId: number, handle: string): Promise<boolean>;
  /** Ends every live session of the user except the one with id `keepSid`; returns how many. */
  endSessions(userId: number, keepSid?: string): Promise<number>;
}

/** The signed-in user as a store may load it with the session: what pages show of a user. */
export interface SessionUser {
  id: number;
  username: string;
  email: string;
  emailVerified: boolean;
}

/** Per request (weakly: forgotten with it), the user its store loaded with its session. */
const usersLoadedWithSession = new WeakMap<Request, SessionUser>();

/**
 * The user that the session store loaded together with this request's session, in the same
 * query (the database store does; Redis does not), so that Passport need not look it up again.
 */
export function userLoadedWithSession(req: Request | undefined): SessionUser | undefined {
  return req && usersLoadedWithSession.get(req);
}

/** An unchanged session's latest request is recorded at most this often, so a page view is not a write. */
const TOUCH_INTERVAL_MS = 60 * 1000;

type Callback<T = void> = (error?: unknown, value?: T) => void;

/** What a store last wrote or read of one session. */
interface Known {
  /** When the session expires (ms since the epoch). */
  expiresAt: number;
  /** When its latest request was recorded (ms since the epoch). */
  seenAt: number;
}

/**
 * What the two stores share: the lifetimes, and knowing, for the session of a request, which
 * expiry the store last gave it and when it last recorded a request. That lets `touch` skip a
 * write that would change nothing, and `set` tell a session it already stores (which it only
 * updates: a session ended meanwhile must not come back) from a new one.
 */
export abstract class UserSessionStoreBase extends Store implements UserSessionStore {
  protected readonly idleMs: number;
  protected readonly touchIntervalMs: number;
  /** Weak: forgotten with the request, nothing stays per session. */
  private readonly known = new WeakMap<object, Known>();
  private readonly loadedUsers = new WeakMap<object, SessionUser>();

  protected constructor(idleMs: number) {
    super();
    this.idleMs = idleMs;
    // With a short idle timeout the expiry is pushed back every quarter of it, not every minute,
    // which would let the session lapse between touches.
    this.touchIntervalMs = Math.min(TOUCH_INTERVAL_MS, idleMs / 4);
  }

  abstract listSessions(userId: number): Promise<StoredSession[]>;
  abstract endSession(userId: number, handle: string): Promise<boolean>;
  abstract endSessions(userId: number, keepSid?: string): Promise<number>;

  /** express-session turns what `get` returned into the request's session object here. */
  override createSession(req: Request, data: SessionData): ExpressSession & SessionData {
    const session = super.createSession(req, data);
    const known = this.known.get(data);
    if (known !== undefined) {
      this.known.set(session, known);
    }
    const user = this.loadedUsers.get(data);
    if (user) {
      usersLoadedWithSession.set(req, user);
    }
    return session;
  }

  /**
   * When a session written or used at `now` expires: a remembered one at its fixed end, any
   * other an idle period from now.
   */
  protected expiryOf(session: SessionData, now: number): number {
    return rememberedUntilOf(session) ?? now + this.idleMs;
  }

  /** Keeps the user that `get` loaded with this session, for the request it is loaded for. */
  protected rememberUser(session: SessionData, user: SessionUser): void {
    this.loadedUsers.set(session, user);
  }

  /**
   * Remembers what the store holds for a session that `get` returned or `set` wrote: its
   * expiry, and when its latest request was recorded. A browser session's expiry tells that
   * (an idle period earlier); a remembered session's fixed expiry does not, so its store says.
   */
  protected remember(
    session: SessionData,
    expiresAt: number,
    seenAt = expiresAt - this.idleMs,
  ): void {
    this.known.set(session, { expiresAt, seenAt });
  }

  /** Whether this session object came from the store (loaded or written), as opposed to new. */
  protected isStored(session: SessionData): boolean {
    return this.known.has(session);
  }

  /** Whether a request was recorded less than a touch interval ago: `touch` has nothing to do. */
  protected recentlyTouched(session: SessionData, now: number): boolean {
    const seenAt = this.known.get(session)?.seenAt;
    return seenAt !== undefined && seenAt >= now - this.touchIntervalMs;
  }

  protected settle<T>(callback: Callback<T> | undefined, work: () => Promise<T>): void {
    work().then(
      (value) => callback?.(null, value),
      (error) => callback?.(error),
    );
  }
}

/** A stored session's JSON, or undefined when it cannot be read as one. */
export function parseSession(json: string): SessionData | undefined {
  try {
    const session = JSON.parse(json) as unknown;
    return typeof session === 'object' && session !== null ? (session as SessionData) : undefined;
  } catch {
    return undefined;
  }
}
