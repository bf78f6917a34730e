import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Session as ExpressSession, SessionData, Store } from 'express-session';
import { LessThan, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { Session } from './session.entity';

/** An unchanged session's expiry is pushed back at most this often, so a page view is not a write. */
const TOUCH_INTERVAL_MS = 60 * 1000;

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * express-session's store on the app's own database, through the `sessions` table. It enforces
 * the idle timeout: a session unused for SESSION_IDLE_MINUTES is never returned again (and
 * HousekeepingService deletes it later).
 */
@Injectable()
export class TypeormSessionStore extends Store {
  private readonly logger = new Logger(TypeormSessionStore.name);
  private readonly idleMs: number;
  private readonly touchIntervalMs: number;
  /**
   * The expiry each session had when this request loaded it, so that `touch` can skip an UPDATE
   * that would change nothing. Weak: forgotten with the request, nothing stays per session.
   */
  private readonly loadedExpiry = new WeakMap<object, number>();

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
      this.loadedExpiry.set(session, row.expiresAt);
      return session;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.settle(callback, async () => {
      await this.sessions.upsert(
        { id: sid, data: JSON.stringify(session), expiresAt: Date.now() + this.idleMs },
        ['id'],
      );
    });
  }

  /** express-session turns what `get` returned into the request's session object here. */
  override createSession(req: Request, data: SessionData): ExpressSession & SessionData {
    const session = super.createSession(req, data);
    const expiresAt = this.loadedExpiry.get(data);
    if (expiresAt !== undefined) {
      this.loadedExpiry.set(session, expiresAt);
    }
    return session;
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const expiresAt = Date.now() + this.idleMs;
    // Pushed back less than a touch interval ago: the UPDATE would change nothing.
    if ((this.loadedExpiry.get(session) ?? 0) >= expiresAt - this.touchIntervalMs) {
      callback?.();
      return;
    }
    this.settle(callback, async () => {
      await this.sessions.update(
        { id: sid, expiresAt: LessThan(expiresAt - this.touchIntervalMs) },
        { expiresAt },
      );
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
