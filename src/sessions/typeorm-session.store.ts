import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Session as ExpressSession, SessionData, Store } from 'express-session';
import { LessThan, Repository } from 'typeorm';
import { Session } from './session.entity';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
/** An unchanged session's expiry is pushed back at most this often, so a page view is not a write. */
const TOUCH_INTERVAL_MS = 60 * 1000;
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

type Callback<T = void> = (error?: unknown, value?: T) => void;

/** express-session's store on the app's own database, through the `sessions` table. */
@Injectable()
export class TypeormSessionStore extends Store implements OnModuleDestroy {
  private readonly logger = new Logger(TypeormSessionStore.name);
  private readonly pruneTimer: NodeJS.Timeout;
  /**
   * The expiry each session had when this request loaded it, so that `touch` can skip an UPDATE
   * that would change nothing. Weak: forgotten with the request, nothing stays per session.
   */
  private readonly loadedExpiry = new WeakMap<object, number>();

  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {
    super();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.settle(callback, async () => {
      const row = await this.sessions.findOneBy({ id: sid });
      if (!row || row.expiresAt <= Date.now()) {
        return null;
      }
      try {
        const session = JSON.parse(row.data) as SessionData;
        this.loadedExpiry.set(session, row.expiresAt);
        return session;
      } catch {
        this.logger.warn('A stored session could not be read; treating it as signed out');
        return null;
      }
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.settle(callback, async () => {
      await this.sessions.upsert(
        { id: sid, data: JSON.stringify(session), expiresAt: Date.now() + SESSION_IDLE_MS },
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
    const expiresAt = Date.now() + SESSION_IDLE_MS;
    if ((this.loadedExpiry.get(session) ?? 0) >= expiresAt - TOUCH_INTERVAL_MS) {
      callback?.();
      return;
    }
    this.settle(callback, async () => {
      await this.sessions.update(
        { id: sid, expiresAt: LessThan(expiresAt - TOUCH_INTERVAL_MS) },
        { expiresAt },
      );
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    this.settle(callback, async () => {
      await this.sessions.delete({ id: sid });
    });
  }

  /** Deletes expired sessions; returns how many. */
  async prune(): Promise<number> {
    try {
      const { affected } = await this.sessions.delete({ expiresAt: LessThan(Date.now()) });
      return affected ?? 0;
    } catch (error) {
      this.logger.warn(`Could not prune expired sessions: ${(error as Error).message}`);
      return 0;
    }
  }

  private settle<T>(callback: Callback<T> | undefined, work: () => Promise<T>): void {
    work().then(
      (value) => callback?.(null, value),
      (error) => callback?.(error),
    );
  }
}
