import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Session as ExpressSession, SessionData, Store } from 'express-session';
import { LessThan, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { deviceIn, newHandle, ownerOf } from './session-device';
import { Session } from './session.entity';

/** An unchanged session's expiry is pushed back at most this often, so a page view is not a write. */
const TOUCH_INTERVAL_MS = 60 * 1000;

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * express-session's store on the app's own database, through the `sessions` table. It enforces
 * the idle timeout: a session unused for SESSION_IDLE_MINUTES is never returned again (and
 * HousekeepingService deletes it later). Each row also carries the session's user and device
 * in columns of their own, copied from its data on every write.
 */
@Injectable()
export class TypeormSessionStore extends Store {
  private readonly logger = new Logger(TypeormSessionStore.name);
  private readonly idleMs: number;
  private readonly touchIntervalMs: number;
  /**
   * The expiry each session had when this request loaded or wrote it, so that `touch` can skip
   * an UPDATE that would change nothing, and `set` can tell a session it already stores from a
   * new one. Weak: forgotten with the request, nothing stays per session.
   */
  private readonly knownExpiry = new WeakMap<object, number>();

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    config: AppConfig,
    private readonly audit: AuditLog,
  ) {
    super();
    this.idleMs = config.sessionTimeouts.idleMs;
    this.touchIntervalMs = Math.min(TOUCH_INTERVAL_MS, this.idleMs / 4);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.settle(callback, async () => {
      const row = await this.sessions.findOneBy({ id: sid });
      if (!row) {
        return null;
      }
      let session: SessionData;
      try {
        session = JSON.parse(row.data) as SessionData;
      } catch {
        this.logger.warn('A stored session could not be read; treating it as signed out');
        return null;
      }
      if (row.expiresAt <= Date.now()) {
        await this.sessions.delete({ id: sid });
        const userId = session.passport?.user;
        if (typeof userId === 'number') {
          this.audit.record('session_expired', { userId, reason: 'idle' });
        }
        return null;
      }
      this.knownExpiry.set(session, row.expiresAt);
      return session;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.settle(callback, async () => {
      const now = Date.now();
      const device = deviceIn(session);
      const changes = {
        data: JSON.stringify(session),
        expiresAt: now + this.idleMs,
        lastSeenAt: now,
        userId: ownerOf(session),
        ip: device?.ip ?? null,
        userAgent: device?.userAgent ?? null,
        // A session without a device record (no sign-in yet, or from before there were any)
        // keeps the handle and start it was first stored with.
        ...(device ? { handle: device.handle, createdAt: device.createdAt } : {}),
      };
      if (this.knownExpiry.has(session)) {
        // This request loaded or wrote it: only an UPDATE. If the session was ended meanwhile
        // (signed out elsewhere), it stays ended.
        await this.sessions.update({ id: sid }, changes);
      } else {
        await this.sessions
          .createQueryBuilder()
          .insert()
          .into(Session)
          .values({ id: sid, handle: newHandle(), createdAt: now, ...changes })
          .orUpdate(
            [
              'data',
              'expires_at',
              'last_seen_at',
              'user_id',
              'ip',
              'user_agent',
              ...(device ? ['handle', 'created_at'] : []),
            ],
            ['id'],
          )
          .updateEntity(false)
          .execute();
      }
      this.knownExpiry.set(session, changes.expiresAt);
    });
  }

  /** express-session turns what `get` returned into the request's session object here. */
  override createSession(req: Request, data: SessionData): ExpressSession & SessionData {
    const session = super.createSession(req, data);
    const expiresAt = this.knownExpiry.get(data);
    if (expiresAt !== undefined) {
      this.knownExpiry.set(session, expiresAt);
    }
    return session;
  }

  /** Pushes the expiry back, and records the request as the latest: at most once a minute. */
  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const now = Date.now();
    const expiresAt = now + this.idleMs;
    // Pushed back less than a touch interval ago: the UPDATE would change nothing.
    if ((this.knownExpiry.get(session) ?? 0) >= expiresAt - this.touchIntervalMs) {
      callback?.();
      return;
    }
    this.settle(callback, async () => {
      await this.sessions.update(
        { id: sid, expiresAt: LessThan(expiresAt - this.touchIntervalMs) },
        { expiresAt, lastSeenAt: now },
      );
      this.knownExpiry.set(session, expiresAt);
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    this.settle(callback, async () => {
      await this.sessions.delete({ id: sid });
    });
  }

  private settle<T>(callback: Callback<T> | undefined, work: () => Promise<T>): void {
    work().then(
      (value) => callback?.(null, value),
      (error) => callback?.(error),
    );
  }
}
