import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { isHandle } from './session-device';
import { SESSION_STORE, type StoredSession, type UserSessionStore } from './session-store';

/** Why a user's sessions were ended together: the reason their audit event gives. */
export type SessionsEndedBy =
  | 'other_sessions_ended'
  | 'password_reset'
  | 'password_changed'
  | 'email_change_undone'
  | 'not_me'
  | 'account_deleted'
  | 'account_disabled'
  | 'operator';

/** One of a user's sessions, as a page may show it: never its id. */
export interface ActiveSession {
  /** Its public identifier: what a page sends back to end it. */
  handle: string;
  /** The sign-in. */
  createdAt: Date;
  /** The latest request, to the minute. */
  lastSeenAt: Date;
  /** The address and browser that signed in (null for a session from before they were kept). */
  ip: string | null;
  userAgent: string | null;
  /** When a remembered ("Remember me") session ends; null for a browser session. */
  rememberedUntil: Date | null;
  /** Whether it is the session of the request that asked. */
  current: boolean;
}

/**
 * A user's sessions, wherever the store keeps them (the database, or Redis): list them, end one,
 * end all but the current one, end all. Ending deletes the session from the store, which every
 * instance of the app reads on every request: its cookie is worthless from then on.
 */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: UserSessionStore,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The user's live sessions, most recently seen first. `currentSid` (the request's
   * `req.sessionID`) marks the one that is asking. A session past SESSION_ABSOLUTE_HOURS (a
   * remembered one: past REMEMBER_DAYS) is left out: its next request ends it.
   */
  async list(userId: number, currentSid?: string): Promise<ActiveSession[]> {
    const now = Date.now();
    const sessions = await this.store.listSessions(userId);
    return sessions
      .filter((session) => this.endOf(session) >= now)
      .map((session) => toActiveSession(session, currentSid));
  }

  /** When a session ends at the latest, however active (as the session middleware decides). */
  private endOf({ createdAt, rememberedUntil }: StoredSession): number {
    const { absoluteMs, rememberMs } = this.config.sessionTimeouts;
    return rememberedUntil === null
      ? createdAt + absoluteMs
      : Math.min(rememberedUntil, createdAt + rememberMs);
  }

  /**
   * Ends the user's session with this handle (the current one included: that signs this browser
   * out). False when the user has no live session with it, whoever else's it is.
   */
  async end(userId: number, handle: string): Promise<boolean> {
    if (!isHandle(handle)) {
      return false;
    }
    const ended = await this.store.endSession(userId, handle);
    await this.recorded(userId, ended ? 1 : 0, 'ended_from_sessions_page');
    return ended;
  }

  /** Ends every session of the user but the current one (`currentSid`); returns how many. */
  async endOthers(userId: number, currentSid: string, why: SessionsEndedBy): Promise<number> {
    return this.recorded(userId, await this.store.endSessions(userId, currentSid), why);
  }

  /** Ends every session of the user, the current one included; returns how many. */
  async endAll(userId: number, why: SessionsEndedBy): Promise<number> {
    return this.recorded(userId, await this.store.endSessions(userId), why);
  }

  /** One `session_destroyed` per action, with how many sessions it ended. */
  private async recorded(userId: number, count: number, why: string): Promise<number> {
    if (count > 0) {
      await this.audit.record('session_destroyed', {
        userId,
        reason: why,
        ...(count > 1 ? { count } : {}),
      });
    }
    return count;
  }
}

function toActiveSession(session: StoredSession, currentSid: string | undefined): ActiveSession {
  return {
    handle: session.handle,
    createdAt: new Date(session.createdAt),
    lastSeenAt: new Date(session.lastSeenAt),
    ip: session.ip,
    userAgent: session.userAgent,
    rememberedUntil: session.rememberedUntil === null ? null : new Date(session.rememberedUntil),
    current: currentSid !== undefined && session.sid === currentSid,
  };
}
